"""Locust users of the load test (`make load`, scripts/loadtest/run.py): professionals of the scale ambiti who
log in through the real login form and then go through their day: the family list, a family's page, the
weekly hours grid and saving one cell of it.

Environment (set by run.py):
    LOADTEST_USERS     JSON file: [{"username", "families": [ids], "hours_families": [ids]}], one per Locust user
    LOADTEST_PASSWORD  the password of the scale users
    LOADTEST_DAY       the day the hours are saved for (ISO date: today on the server)
    LOADTEST_SAMPLES   JSON-lines file where every request is recorded (name, start, ms, ok, status)
    LOADTEST_RATE      requests per second of each user (constant throughput; default 2)
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time

from locust import FastHttpUser, constant_throughput, events, task

USERS = json.loads(open(os.environ["LOADTEST_USERS"]).read())  # noqa: SIM115
PASSWORD = os.environ["LOADTEST_PASSWORD"]
DAY = os.environ["LOADTEST_DAY"]
RATE = float(os.environ.get("LOADTEST_RATE", "2"))
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_user = itertools.count()
_samples: list[dict] = []
_lock = threading.Lock()


@events.request.add_listener
def record(request_type, name, response_time, response_length, exception=None, response=None, **kwargs):
    ended = time.time()
    with _lock:
        _samples.append(
            {
                "name": name,
                "start": ended - response_time / 1000,
                "ms": response_time,
                "ok": exception is None,
                "status": getattr(response, "status_code", None),
                "error": str(exception)[:200] if exception else "",
            }
        )


@events.quitting.add_listener
def save(environment, **kwargs):
    with open(os.environ["LOADTEST_SAMPLES"], "w") as out:
        for sample in _samples:
            out.write(json.dumps(sample) + "\n")


class Professional(FastHttpUser):
    wait_time = constant_throughput(RATE)

    def on_start(self):
        self.me = USERS[next(_next_user) % len(USERS)]
        self.logged_in = False
        while not self.logged_in:
            self.login()

    def login(self):
        page = self.client.get("/accounts/login/", name="login (form)")
        found = CSRF_FIELD.search(page.text or "")
        if not found:
            time.sleep(1)
            return
        with self.client.post(
            "/accounts/login/",
            data={"login": self.me["username"], "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)},
            allow_redirects=False,
            name="login (POST)",
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                self.logged_in = True
                response.success()
            else:
                response.failure(f"login answered {response.status_code}")
                time.sleep(1)

    def csrf(self) -> str:
        return next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), "")

    @task(3)
    def family_list(self):
        self.client.get("/famiglie/", name="family list")

    @task(3)
    def family_detail(self):
        if self.me["families"]:
            self.client.get(f"/famiglie/{random.choice(self.me['families'])}/", name="family detail")

    @task(2)
    def week(self):
        self.client.get("/interventi/ore/", name="weekly grid")

    @task(2)
    def save_cell(self):
        if not self.me["hours_families"]:
            return self.week()
        family = random.choice(self.me["hours_families"])
        row = f"diretta_famiglia:{family}"
        with self.client.post(
            "/interventi/ore/cella/",
            data={"row": row, "date": DAY, "value": random.choice(["1", "1,5", "2", "2:30"]), "row_label": row},
            headers={"HX-Request": "true", "X-CSRFToken": self.csrf(), "Referer": self.host + "/interventi/ore/"},
            name="save hour cell",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "is-invalid" not in response.text:
                response.success()
            else:
                response.failure(f"cell answered {response.status_code}")
