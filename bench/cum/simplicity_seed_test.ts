import assert from "node:assert/strict";
import {
  type EvalCurves,
  joinSeedTasks,
  runSeed,
  type SeedJob,
  type SeedTask,
  seedTasks,
  type TrainOutcome,
} from "./_simplicity_seed.ts";
import { initDenoiserParams } from "../../models/images/denoiser.ts";
import { makeCpuTrainer } from "../../models/images/denoiser_cpu.ts";
import { runInWorkers } from "../../models/cpu/pool.ts";
import { PhiloxStream } from "../../datasets/philox.ts";

/** A tiny seed job (4×4 images, one channel) on random data. */
function tinyJob(seed: number, poison = false): SeedJob {
  const shape = { side: 4, channels: 1 }, d = 16, L = 2, evalN = 5;
  const rng = new PhiloxStream(seed, "simplicity-seed-test");
  const fill = (n: number) => {
    const a = new Float32Array(n);
    rng.fillNormal(a);
    return a;
  };
  const params = initDenoiserParams(shape, rng);
  if (poison) params[0].fill(NaN); // the first loss is non-finite: training stops at step 0
  return {
    seed,
    shape,
    params,
    learningRate: 2e-3,
    logSteps: [0, 2, 5, 9],
    steps: 9,
    batch: 3,
    noiseLevels: [0.3, 1],
    batchKey: rng.key,
    train: { images: fill(20 * d), count: 20 },
    evalSet: {
      real: fill(evalN * L * d),
      gauss: fill(evalN * L * d),
      eps: fill(evalN * L * d),
      sig: Float32Array.from({ length: evalN * L }, (_, i) => [0.3, 1][i % L]),
    },
    evalN,
  };
}

const tasksOf = (job: SeedJob) => seedTasks([job]);

async function inProcess(job: SeedJob) {
  const trainer = makeCpuTrainer(job.shape, job.params, { learningRate: job.learningRate });
  return await runSeed(job, trainer);
}

const workerUrl = new URL("./_simplicity_seed.ts", import.meta.url);

for (const workers of [1, 2]) {
  Deno.test(`simplicity seed: training and evaluation as two tasks (${workers} worker(s)) give runSeed's numbers`, async () => {
    for (const poison of [false, true]) {
      const job = tinyJob(7, poison);
      const want = await inProcess(job);
      const [t, e] = await runInWorkers<SeedTask, TrainOutcome | EvalCurves>(
        workerUrl,
        "runSeedTaskCpu",
        tasksOf(job),
        { workers },
      );
      const got = joinSeedTasks(job.seed, t as TrainOutcome, e as EvalCurves);
      assert.deepEqual(got.curves, want.curves, `poison ${poison}`);
      assert.deepEqual(Object.keys(got.curves), Object.keys(want.curves), "stored key order");
      assert.equal(got.trainSteps, want.trainSteps);
      assert.equal(got.badLoss, want.badLoss);
      if (poison) {
        assert.equal(got.curves.failedAt, 0);
        assert.equal(got.curves.real.length, 1, "only the logged step before the failure");
      } else assert.equal(got.curves.real.length, job.logSteps.length);
    }
  });
}

Deno.test("simplicity seed: the evaluation task waits for the copies the training writes", async () => {
  const job = tinyJob(3);
  const [train, evalTask] = tasksOf(job);
  // the evaluation starts first, on its own worker: it must wait for each copy, not read zeros
  const [e, t] = await runInWorkers<SeedTask, TrainOutcome | EvalCurves>(
    workerUrl,
    "runSeedTaskCpu",
    [evalTask, train],
    { workers: 2 },
  );
  const got = joinSeedTasks(job.seed, t as TrainOutcome, e as EvalCurves);
  assert.deepEqual(got.curves, (await inProcess(job)).curves);
});
