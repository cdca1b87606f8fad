#!/usr/bin/python3
"""Drives the HTML report in a real headless Chromium through ChromeDriver's
WebDriver protocol (standard library only): loads the file, reads the
overview grid, clicks one cell, picks a verdict filter, opens a second
cell by its deep link, reads its history strip, takes a screenshot, and
prints what it saw as JSON for html report tests to check.

usage: html_report_driver.py REPORT.html CELL_KEY VERDICT SCREENSHOT.png DEEP_KEY
"""
import base64, json, socket, subprocess, sys, time, urllib.request

report, key, verdict, screenshot, deep = sys.argv[1:6]

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

port = free_port()
driver = subprocess.Popen(["/usr/bin/chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"

def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]

try:
    for _ in range(100):
        try:
            call("GET", "/status")
            break
        except OSError:
            time.sleep(0.1)
    session = call("POST", "/session", {"capabilities": {"alwaysMatch": {
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": "/usr/bin/chromium",
                               "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                                        "--window-size=1600,1000"]}}}})["sessionId"]
    s = f"/session/{session}"
    call("POST", s + "/url", {"url": "file://" + report})

    def find(css):
        found = call("POST", s + "/element", {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def text(css):
        return call("GET", f"{s}/element/{find(css)}/text")

    def displayed(css):
        return call("GET", f"{s}/element/{find(css)}/displayed")

    def script(code):
        return call("POST", s + "/execute/sync", {"script": code, "args": []})

    seen = {"shown_before": text("#shown"), "details_visible_before": displayed("#details")}
    seen["overview"] = script(
        "return [...document.querySelectorAll('#overview td.square')].map(td => ({flag: td.dataset.flag, "
        "target: td.dataset.target, text: td.textContent, colour: td.className.replace('square ', ''), "
        "title: td.title}))")
    seen["conclusions"] = text("table.conclusions")
    seen["changes"] = text("#changes")
    cell = find('td.cell[data-key="%s"]' % key)
    call("POST", f"{s}/element/{cell}/click", {})
    seen["details_visible"] = displayed("#details")
    seen["details"] = text("#details")
    seen["chosen"] = call("POST", s + "/execute/sync", {
        "script": "return document.querySelector('td.chosen').dataset.key", "args": []})
    option = find('#filter-verdict option[value="%s"]' % verdict)
    call("POST", f"{s}/element/{option}/click", {})
    seen["shown_after_filter"] = text("#shown")
    seen["fetches"] = call("POST", s + "/execute/sync", {
        "script": "return performance.getEntriesByType('resource').map(e => e.name)", "args": []})
    # A deep link opens its cell on load.
    call("POST", s + "/url", {"url": "file://" + report + "#cell-" + deep})
    seen["deep_details_visible"] = displayed("#details")
    seen["deep_chosen"] = script("return document.querySelector('td.chosen').dataset.key")
    seen["deep_details"] = text("#details")
    seen["deep_repro"] = text("#details pre.repro")
    seen["strip"] = script("return [...document.querySelectorAll('#cell-%s .strip span')].map(s => s.title)" % deep)
    with open(screenshot, "wb") as f:
        f.write(base64.b64decode(call("GET", s + "/screenshot")))
    call("DELETE", s)
    print(json.dumps(seen))
finally:
    driver.terminate()
    driver.wait()
