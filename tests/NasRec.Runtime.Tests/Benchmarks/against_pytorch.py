"""Our step beside the reference's under PyTorch, in one run: the ratios issues 8 and 9 set their targets on.

Each measurement alternates the two sides, each in a process of its own, a minute apart at most: the reference's
step in PyTorch (pytorch_reference.py for a released model's training and inference, pytorch_reference_supernet.py
for a supernet step, run by a Python that imports torch) and ours (`nasrec bench train --json`, `nasrec bench
supernet --json`). Rounds swap which side goes first. On this noisy machine only such ratios compare; absolute
figures move by a third within a day.

    dotnet build src/NasRec.Cli -c Release
    python3 tests/NasRec.Runtime.Tests/Benchmarks/against_pytorch.py [--rounds 3] [--models CriteoNasRecNetSmall ...]
        [--supernets NasRecSmall:full-path ...] [--tables capped|full] [--nasrec PATH]

Prints a Markdown table: per measurement each round's figures and ratio, the median ratio and the target. Needs
only the standard library itself; the PyTorch side runs under $NASREC_PYTHON, else the first of python3 and
/usr/bin/python3 that imports torch (Debian: apt-get install python3-torch libopenblas0-openmp).
"""
import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[2]
MODELS = [f"{d}NasRecNet{s}" for d in ("Criteo", "Avazu", "Kdd") for s in ("Small", "Full")]
SUPERNETS = [f"{s}:{k}" for s in ("NasRecSmall", "NasRecFull") for k in ("default", "full-path")]
# Issues 8 and 9: training with capped tables 5x, full tables 30x, inference 4x; supernet sampled 3x, full path 2x.
TARGETS = {"training capped": 5, "training full": 30, "inference": 4, "supernet default": 3, "supernet full-path": 2}


def torch_python():
    candidates = [os.environ["NASREC_PYTHON"]] if os.environ.get("NASREC_PYTHON") else ["python3", "/usr/bin/python3"]
    for python in candidates:
        if subprocess.run([python, "-c", "import torch"], capture_output=True).returncode == 0:
            return python
    sys.exit("no Python here imports torch: set NASREC_PYTHON, or apt-get install python3-torch libopenblas0-openmp")


def run_json(command, last_line):
    """Runs a benchmark process; its JSON is its last line, or the whole of its standard output."""
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1] if last_line else done.stdout)


def arch_file(model):
    dataset, size = model.split("NasRecNet")
    return ROOT / "spaces" / dataset.lower() / f"nasrecnet-{size.lower()}.arch.yaml"


def space_file(space):
    return ROOT / "spaces" / f"nasrec-{space.removeprefix('NasRec').lower()}.space.yaml"


def model_rounds(args, python, model):
    """One round of a released model: training (and, with capped tables, inference) samples/s of both sides."""
    reference = lambda: run_json([python, HERE / "pytorch_reference.py", arch_file(model), "--tables", args.tables,
                                  "--steps", str(args.steps), "--warmup", str(args.warmup)], last_line=True)
    ours = lambda: run_json([args.nasrec, "bench", "train", "--models", model, "--tables", args.tables,
                             "--steps", str(args.steps), "--warmup", str(args.warmup), "--rounds", "1",
                             "--auc-rows", "1000", "--json"], last_line=False)
    for round_index in range(args.rounds):
        theirs, mine = alternate(reference, ours, round_index)
        yield f"training {args.tables}", theirs["trainSamplesPerSecond"], mine["training"][0]["oursSamplesPerSecond"]
        if args.tables == "capped":
            yield "inference", theirs["inferenceSamplesPerSecond"], mine["inference"][0]["oursSamplesPerSecond"]


def supernet_rounds(args, python, supernet):
    space, strategy = supernet.split(":")
    steps, warmup = ("8", "2") if strategy == "full-path" else ("20", "3")
    reference = lambda: run_json([python, HERE / "pytorch_reference_supernet.py", space_file(space), "--strategy", strategy,
                                  "--steps", steps, "--warmup", warmup], last_line=True)
    ours = lambda: run_json([args.nasrec, "bench", "supernet", "--space", space, "--strategy", strategy,
                             "--steps", steps, "--warmup", warmup, "--json"], last_line=False)
    for round_index in range(args.rounds):
        theirs, mine = alternate(reference, ours, round_index)
        yield f"supernet {strategy}", theirs["trainSamplesPerSecond"], mine[0]["samplesPerSecond"]


def alternate(reference, ours, round_index):
    """Both sides' figures, the reference first in even rounds and ours first in odd ones."""
    if round_index % 2 == 0:
        theirs = reference()
        return theirs, ours()
    mine = ours()
    return reference(), mine


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--models", nargs="*", default=MODELS, choices=MODELS)
    parser.add_argument("--supernets", nargs="*", default=SUPERNETS, choices=SUPERNETS, metavar="SPACE:STRATEGY")
    parser.add_argument("--tables", choices=["capped", "full"], default="capped")
    parser.add_argument("--steps", type=int, default=20, help="timed training steps of a released model per side and round")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--nasrec", type=pathlib.Path, default=ROOT / "src/NasRec.Cli/bin/Release/net10.0/nasrec")
    args = parser.parse_args()
    if args.rounds < 1 or args.steps < 1 or args.warmup < 0:
        parser.error("--rounds and --steps must be at least 1, --warmup at least 0")
    if not args.nasrec.exists():
        sys.exit(f"{args.nasrec} does not exist: dotnet build src/NasRec.Cli -c Release, or pass --nasrec")
    python = torch_python()

    figures = {}  # (subject, measurement) -> [(reference, ours)] by round
    sources = [(model, model_rounds(args, python, model)) for model in args.models]
    sources += [(supernet.split(":")[0], supernet_rounds(args, python, supernet)) for supernet in args.supernets]
    for subject, rounds in sources:
        for measurement, reference, ours in rounds:
            figures.setdefault((subject, measurement), []).append((reference, ours))
            print(f"{subject}, {measurement}: PyTorch {reference:,.0f}, ours {ours:,.0f} samples/s: {ours / reference:.2f}×",
                  file=sys.stderr, flush=True)

    print("| what | PyTorch, samples/s | ours | ratio by round | median | target |")
    print("|---|---|---|---|---|---|")
    for (subject, measurement), pairs in figures.items():
        ratios = [ours / reference for reference, ours in pairs]
        target = TARGETS[measurement]
        median = statistics.median(ratios)
        print(f"| {subject}, {measurement} | {' / '.join(f'{r:,.0f}' for r, _ in pairs)} | "
              f"{' / '.join(f'{o:,.0f}' for _, o in pairs)} | {' / '.join(f'{r:.2f}' for r in ratios)} | "
              f"{median:.2f}× | {target}×: {'met' if median >= target else 'not met'} |")


if __name__ == "__main__":
    main()
