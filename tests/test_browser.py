"""Headless Chromium opens the report: no console errors, and a screenshot is taken."""
import shutil
import subprocess
from pathlib import Path

import pytest

from _report_fixtures import make_analysis
from framing.compare import compare
from framing.report import build_report, write_report

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian: apt-get install "
                                             "chromium); CI installs it at /usr/bin/chromium")
def test_report_loads_in_chromium_without_console_errors(tmp_path):
    analysis = make_analysis(3, script=True)
    report = build_report(analysis=analysis, comparison=compare(analysis, n_boot=50))
    html = write_report(report, tmp_path / "out", formats=["html"])[0]
    shot = tmp_path / "shot.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
           "--enable-logging=stderr", "--v=0", "--window-size=1280,2000",
           f"--screenshot={shot}", html.resolve().as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    console = [line for line in done.stderr.splitlines()
               if "CONSOLE" in line or "Uncaught" in line or "net::ERR" in line]
    assert console == []
    assert shot.exists() and shot.stat().st_size > 10_000
