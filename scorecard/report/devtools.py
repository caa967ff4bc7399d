"""One headless Chromium kept open for several prints, driven over its DevTools pipe.

`chromium --print-to-pdf` starts a browser for each print, and starting one takes as long as
printing the committee report does (0.6 of 1.2 s); the report is printed at least twice (its
contents are numbered from a first print). `Browser` starts Chromium once with
`--remote-debugging-pipe`: Chromium reads DevTools protocol commands from its file descriptor 3
and writes replies and events to 4, each a JSON message ended by a NUL byte. A pipe, not
`--remote-debugging-port`: a port on loopback would let any local user drive the browser (and
read our files through it) while it runs.

A print is what `--print-to-pdf --no-pdf-header-footer` does: load the page, then
`Page.printToPDF` with the page's own CSS page size, backgrounds printed, no header or footer.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import signal
import subprocess
import tempfile
import time
from collections import deque
from pathlib import Path

from scorecard.errors import ScorecardError

PRINT_OPTIONS = {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False}


def _above_four(fd: int) -> int:
    """`fd` moved to a descriptor above 4, so that putting the pipe on 3 and 4 cannot close it."""
    moved = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return moved


# Lines Chromium (and Debian's launcher script) write to stderr on every start: not the cause.
NOISE = ("dbus", "Fontconfig", "unexpected operator", "GetAll", "NameHasOwner", "bytes written")


def profile_env(profile: str) -> dict[str, str]:
    """This process's environment with Chromium's home, config and cache in `profile`."""
    return {**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile, "XDG_CACHE_HOME": profile}


def failure_detail(stderr: bytes) -> str:
    """The last three lines of what Chromium said on stderr that are not its start-up noise."""
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines()
             if line.strip() and not any(n in line for n in NOISE)]
    return f": {' | '.join(lines[-3:])}" if lines else ""


class ChromiumFailed(ScorecardError):
    """Chromium ran but did not print or show the page (it ended, timed out or refused)."""


class Browser:
    """A headless Chromium with a throw-away profile, started at once and ready for its first
    command whenever it is sent (so its start overlaps whatever the caller does next); closed,
    with every process it started, when the `with` block ends."""

    def __init__(self, executable: str, flags: tuple[str, ...], timeout: float):
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="scorecard-chromium-")
        profile = self._profile.name
        self._stderr = open(Path(profile) / "stderr.log", "wb+")  # read back when it fails
        commands_in, self._commands = map(_above_four, os.pipe())
        self._replies, replies_out = map(_above_four, os.pipe())
        # Chromium wants the pipe on descriptors 3 and 4 exactly: bash (dash takes no descriptor
        # above 9) puts them there and execs Chromium (no preexec_fn, which is unsafe while other
        # threads run).
        redirect = f'exec "$@" 3<&{commands_in} 4>&{replies_out} {commands_in}<&- {replies_out}>&-'
        try:
            self._process = subprocess.Popen(
                ["bash", "-c", redirect, "bash", executable, *flags, "--remote-debugging-pipe",
                 f"--user-data-dir={profile}", f"--crash-dumps-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._stderr,
                env=profile_env(profile), pass_fds=(commands_in, replies_out),
                start_new_session=True)
        except OSError:
            for fd in (self._commands, self._replies):
                os.close(fd)
            self._stderr.close()
            self._profile.cleanup()
            raise
        finally:
            os.close(commands_in)
            os.close(replies_out)
        self._next_id, self._events = 0, []
        self._partial: list[bytes] = []  # the start of a message not yet ended
        self._messages: deque[bytes] = deque()  # whole messages not yet taken
        self._session: str | None = None
        try:  # the page to print in is asked for now; Chromium creates it as soon as it is up
            self._new_page = self._post("Target.createTarget", {"url": "about:blank"})
        except ChromiumFailed:
            self.close()
            raise

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def print_to_pdf(self, url: str) -> bytes:
        """The PDF of the page at `url`, printed once it has loaded."""
        deadline = time.monotonic() + self.timeout
        if self._session is None:
            target = self._reply(self._new_page, "Target.createTarget", deadline)
            self._session = self._send("Target.attachToTarget",
                                       {"targetId": target["targetId"], "flatten": True},
                                       deadline)["sessionId"]
            self._send("Page.enable", {}, deadline, self._session)
        self._events.clear()
        navigated = self._send("Page.navigate", {"url": url}, deadline, self._session)
        if navigated.get("errorText"):
            raise ChromiumFailed(f"Chromium could not load {url}: {navigated['errorText']}")
        self._wait_for_event("Page.loadEventFired", deadline)
        printed = self._send("Page.printToPDF", PRINT_OPTIONS, deadline, self._session)
        return base64.b64decode(printed["data"])

    def close(self) -> None:
        """Stop the browser and every helper it started. Killed, not asked to close: its
        profile is thrown away, so it has nothing to save (asking took 0.3 s)."""
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()
        for fd in (self._commands, self._replies):
            os.close(fd)
        self._stderr.close()
        self._profile.cleanup()

    def _send(self, method: str, params: dict, deadline: float, session: str | None = None) -> dict:
        return self._reply(self._post(method, params, session), method, deadline)

    def _post(self, method: str, params: dict, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._commands, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            self._fail(f"ended before answering {method}")
        return self._next_id

    def _reply(self, request: int, method: str, deadline: float) -> dict:
        while True:
            reply = self._receive(deadline, method)
            if reply.get("id") == request:
                if "error" in reply:
                    raise ChromiumFailed(f"Chromium refused {method}: "
                                         f"{reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def _wait_for_event(self, method: str, deadline: float) -> None:
        while True:
            for event in self._events:
                if event["method"] == method and event.get("sessionId") == self._session:
                    return
            self._events.append(self._receive(deadline, method))

    def _receive(self, deadline: float, waiting_for: str) -> dict:
        # A print's reply is the whole PDF in base64 (megabytes, read 64 KB at a time): each
        # read is searched for a message's end, not everything read before it.
        while not self._messages:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                self._fail(f"did not answer {waiting_for} within {self.timeout:.0f} s")
            chunk = os.read(self._replies, 1 << 20)
            if not chunk:
                self._fail(f"ended before answering {waiting_for}")
            *complete, rest = chunk.split(b"\0")
            if complete:
                complete[0] = b"".join(self._partial) + complete[0]
                self._messages.extend(complete)
                self._partial = []
            self._partial.append(rest)
        return json.loads(self._messages.popleft())

    def _fail(self, what: str) -> None:
        try:
            self._process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
        self._stderr.seek(0)
        code = self._process.returncode
        raise ChromiumFailed(f"Chromium {what}" + (f" (exit {code})" if code is not None else "")
                             + failure_detail(self._stderr.read()))
