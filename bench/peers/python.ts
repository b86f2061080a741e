/**
 * The Python that has Debian's `python3-torch`: `/usr/bin/python3` (a pyenv `python3` on PATH
 * does not see Debian's packages). Override with CLAIMBENCH_PYTHON.
 * @module
 */

/** The interpreter for peers. */
export const PYTHON: string = Deno.env.get("CLAIMBENCH_PYTHON") ?? "/usr/bin/python3";

/** Whether torch imports in {@link PYTHON}, and whether CUDA is available to it. */
export async function torchStatus(): Promise<
  { ok: boolean; cuda: boolean; version: string; message: string }
> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: [
        "-c",
        "import torch, json; print(json.dumps([torch.__version__, torch.cuda.is_available()]))",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      return {
        ok: false,
        cuda: false,
        version: "",
        message:
          `torch does not import in ${PYTHON}: install it with 'bash scripts/install_peers.sh' ` +
          `(apt-get install python3-torch) or set CLAIMBENCH_PYTHON`,
      };
    }
    const [version, cuda] = JSON.parse(new TextDecoder().decode(out.stdout));
    return { ok: true, cuda, version, message: `torch ${version}${cuda ? " with CUDA" : ""}` };
  } catch (e) {
    return {
      ok: false,
      cuda: false,
      version: "",
      message: `${PYTHON} not found (${e instanceof Error ? e.message : e})`,
    };
  }
}
