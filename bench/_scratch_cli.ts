import { cmdCompare } from "./cmd_compare.ts";
import { cmdMerge } from "./cmd_merge.ts";
import { cmdHistory } from "./cmd_history.ts";
const [c, ...r] = Deno.args;
Deno.exit(await (c === "merge" ? cmdMerge(r) : c === "history" ? cmdHistory(r) : cmdCompare(r)));
