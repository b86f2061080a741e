import { cmdCompare } from "./cmd_compare.ts";
Deno.exit(await cmdCompare(Deno.args));
