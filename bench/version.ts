/** The suite's version: bumped on releases; results record it. */
export const SUITE_VERSION = "0.1.0";
