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
