"""Every benchmark of the guide in one run (`make bench`): size and boot figures of the built
page in Chromium, then the step time of the plain script vs a step through the bridge.

    .venv/bin/python bench/run.py [--runs 5]

Each part is its own script (bench/boot.py, bench/bridge_step.py) and can run alone. Figures
are medians measured side by side in this one invocation; these machines are shared and noisy.
"""

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(title: str, script: str, *args: str) -> int:
    print(f"\n== {title} ({script})", flush=True)
    return subprocess.run([sys.executable, str(HERE / script), *args], check=False).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="cold page loads for the boot figures")
    args = parser.parse_args()
    codes = [
        run("page size and boot, headless Chromium via file://", "boot.py", "--runs", str(args.runs)),
        run("training step: plain script vs through the bridge", "bridge_step.py"),
    ]
    sys.exit(max(codes))


if __name__ == "__main__":
    main()
