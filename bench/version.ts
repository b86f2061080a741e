/** The suite's version: bumped on releases; results record it. */
export const SUITE_VERSION = "0.1.0";

/**
 * The version of the public API (`mod.ts`, semver): what claim packs build on. A major bump
 * breaks packs; results record it.
 */
export const API_VERSION = "1.0.0";
