import type { ParamLayout } from '../../../src/core/network/compile';
import type { Rng } from '../../../src/core/random';
/** A Python harness that runs several exported projects' train.py in one process (torch starts slowly). */
export const TRAIN_HARNESS = String.raw`
import json, os, runpy, sys
runs = json.load(open(sys.argv[1]))
for run in runs:
    os.chdir(run["dir"])
    sys.path.insert(0, run["dir"])
    sys.modules.pop("model", None)
    sys.argv = ["train.py"] + run["args"]
    out = open(os.path.join(run["dir"], "stdout.txt"), "w")
    saved = sys.stdout
    sys.stdout = out
    try:
        runpy.run_path(os.path.join(run["dir"], "train.py"), run_name="__main__")
    except SystemExit as e:
        if e.code not in (None, 0):
            raise
    finally:
        sys.stdout = saved
        out.close()
        sys.path.remove(run["dir"])
print("done", len(runs))
`;

/**
 * Random parameters uniform in [lo, hi] for a compiled network, except the slots that hold variances (BatchNorm's
 * running variance), which are made positive: a negative variance gives NaN on both sides, which compares nothing.
 */
export function randomParams(layout: ParamLayout, rng: Rng, lo: number, hi: number): Float32Array {
  const params = new Float32Array(layout.size).map(() => rng.uniform(lo, hi));
  for (const slots of Object.values(layout.nodes)) {
    const v = slots.variance;
    if (v) for (let k = v.offset; k < v.offset + v.length; k++) params[k] = 0.1 + Math.abs(params[k]!);
  }
  return params;
}
