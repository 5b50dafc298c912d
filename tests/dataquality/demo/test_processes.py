"""The demo's services: started in their own process group, stopped in reverse order, also when one fails."""

import sys
import time

import pytest

from dataquality.demo.processes import Service, ServiceFailed, Stack

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"]


def _service(tmp_path, name, argv=SLEEPER, ready=lambda: True) -> Service:
    return Service(name, argv, tmp_path / f"{name}.log", ready)


def _gone(service: Service) -> bool:
    return service.process.poll() is not None


def test_services_are_stopped_in_reverse_order(tmp_path):
    first, second = _service(tmp_path, "first"), _service(tmp_path, "second")

    with Stack(cwd=tmp_path, env={}) as stack:
        stack.start(first, ready_timeout=5)
        stack.start(second, ready_timeout=5)
        assert not _gone(first) and not _gone(second)

    assert _gone(first) and _gone(second)
    assert first.process.returncode != 0  # stopped, not finished


def test_a_service_that_exits_stops_the_ones_before_it_and_names_its_log(tmp_path):
    healthy = _service(tmp_path, "healthy")
    crashing = _service(tmp_path, "crashing", [sys.executable, "-c", "print('no config'); raise SystemExit(3)"],
                        ready=lambda: False)

    with pytest.raises(ServiceFailed, match="crashing exited with code 3") as caught:
        with Stack(cwd=tmp_path, env={}) as stack:
            stack.start(healthy, ready_timeout=5)
            stack.start(crashing, ready_timeout=30)

    assert "no config" in str(caught.value)
    assert _gone(healthy)


def test_a_service_never_ready_times_out(tmp_path):
    slow = _service(tmp_path, "slow", ready=lambda: False)
    started = time.monotonic()

    with pytest.raises(ServiceFailed, match="slow was not ready after 1 s"):
        with Stack(cwd=tmp_path, env={}) as stack:
            stack.start(slow, ready_timeout=1)

    assert time.monotonic() - started < 15
    assert _gone(slow)


def test_the_whole_process_group_is_stopped(tmp_path):
    # A service that starts a child of its own (as gunicorn and celery do): the child goes too.
    pid_file = tmp_path / "child.pid"
    parent = _service(tmp_path, "parent", [
        sys.executable, "-c",
        "import subprocess, sys, time;"
        f"child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid)); time.sleep(60)",
    ], ready=lambda: pid_file.exists() and pid_file.read_text() != "")

    with Stack(cwd=tmp_path, env={}) as stack:
        stack.start(parent, ready_timeout=10)
        child_pid = int(pid_file.read_text())

    time.sleep(0.5)
    assert not _alive(child_pid)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie waiting for init is gone in all but name
    except FileNotFoundError:
        return False
