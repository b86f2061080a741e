/**
 * Provenance recorded with every run: suite and runtime versions, git state, machine, adapter.
 * @module
 */
import * as os from "node:os";
import { cpuWorkerCount } from "../models/cpu/pool.ts";
import type { Provenance } from "../reports/schema.ts";
import type { BackendChoice, BackendRequest } from "../models/gpu/device.ts";
import { API_VERSION, SUITE_VERSION } from "./version.ts";

async function git(args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** The commit of the working tree (null outside a git checkout). */
export async function gitInfo(): Promise<{ commit: string | null }> {
  return { commit: await git(["rev-parse", "HEAD"]) };
}

/** Collect provenance for a run on `choice` started with `command`, with the packs it loaded. */
export async function collectProvenance(
  request: BackendRequest,
  choice: BackendChoice,
  command: string[],
  packs: Provenance["packs"] = [],
): Promise<Provenance> {
  const [commit, status, branch] = await Promise.all([
    git(["rev-parse", "HEAD"]),
    git(["status", "--porcelain", "--untracked-files=no"]),
    git(["rev-parse", "--abbrev-ref", "HEAD"]),
  ]);
  const cpus = os.cpus();
  return {
    suiteVersion: SUITE_VERSION,
    apiVersion: API_VERSION,
    packs,
    git: { commit, dirty: status === null ? null : status.length > 0, branch },
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    os: Deno.build.os,
    arch: Deno.build.arch,
    osRelease: os.release(),
    cpuModel: cpus[0]?.model ?? "unknown",
    cpuCount: navigator.hardwareConcurrency ?? cpus.length,
    cpuWorkers: cpuWorkerCount(),
    memoryBytes: os.totalmem(),
    hostname: os.hostname(),
    backendRequested: request,
    backend: choice.backend,
    fallbackReason: choice.fallbackReason,
    adapter: choice.adapter,
    command,
    ci: Deno.env.get("CI") === "true",
  };
}
