import assert from "node:assert/strict";

Deno.test("readme-table: an unreadable results path is one line and exit 1, README untouched", async () => {
  const readme = new URL("../README.md", import.meta.url);
  const before = await Deno.readTextFile(readme);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./readme_table.ts", import.meta.url).pathname, "/nonexistent/run"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 1);
  assert.match(err, /^readme-table: cannot read \/nonexistent\/run/);
  assert.equal(err.split("\n").length, 1, err);
  assert.equal(await Deno.readTextFile(readme), before);
});
