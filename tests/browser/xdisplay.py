"""A private X display (Xvfb) for WebKitGTK's MiniBrowser, which has no headless mode; used by the
engine tests and bench/engines.py. Xvfb picks a free display number itself (-displayfd), which
avoids xvfb-run -a's race on lock files when several jobs start at once."""

import contextlib
import os
import select
import shutil
import subprocess


class NoDisplay(RuntimeError):
    """Xvfb started but reported no display number (its stderr is the message)."""


@contextlib.contextmanager
def private_display():
    """Yields ":N" from a private Xvfb, or None when Xvfb is not installed."""
    binary = shutil.which("Xvfb")
    if not binary:
        yield None
        return
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([binary, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], 30)
        number = os.read(read_fd, 64).decode().strip() if ready else ""
        if not number:
            server.kill()
            raise NoDisplay(f"Xvfb did not report a display: {server.communicate()[1][-2000:]!r}")
        yield f":{number}"
    finally:
        os.close(read_fd)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
