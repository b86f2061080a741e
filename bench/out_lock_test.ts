import assert from "node:assert/strict";
import { join } from "node:path";
import { LOCK_FILE, LockHeldError, lockOutDir } from "./out_lock.ts";

/** A lock file as another process `pid` would have written it. */
async function foreignLock(dir: string, pid: number): Promise<void> {
  let start: string | null = null;
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    start = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch { /* not Linux, or gone */ }
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, LOCK_FILE),
    JSON.stringify({ pid, host: Deno.hostname(), start, token: "other", since: "earlier" }),
  );
}

Deno.test("a live holder's lock is refused naming its pid; a dead holder's lock is taken over", async () => {
  const dir = await Deno.makeTempDir();
  const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const out = join(dir, "run");
    await foreignLock(out, sleeper.pid);
    await assert.rejects(
      () => lockOutDir(out),
      (e) => e instanceof LockHeldError && e.message.includes(`pid ${sleeper.pid}`),
    );
    sleeper.kill("SIGKILL");
    await sleeper.status;
    const lock = await lockOutDir(out); // stale now: taken over
    const held = JSON.parse(await Deno.readTextFile(lock.path));
    assert.equal(held.pid, Deno.pid);
    await lock.release();
    assert.deepEqual([...Deno.readDirSync(out)], []); // no lock, no private file left
  } finally {
    try {
      sleeper.kill("SIGKILL");
    } catch { /* already dead */ }
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lockOutDir creates the folder, and release removes it again when it stayed empty", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const lock = await lockOutDir(join(dir, "a", "b"));
    assert.ok((await Deno.stat(lock.path)).isFile);
    await lock.release();
    assert.deepEqual([...Deno.readDirSync(join(dir, "a"))], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
