"""deploy/k8s.yaml and deploy/compose.yaml against their schemas (offline, from PyPI packages:
kubernetes-validate bundles Kubernetes' schemas, check-jsonschema the compose-spec one), and
the names, ports and limits that the files, nginx.conf and the Dockerfile must agree on."""

from __future__ import annotations

import re
import subprocess
import sys

import kubernetes_validate
import pytest
import sqlalchemy
import yaml

from lstm_core import store
from tests.deploy.conftest import DEPLOY, ROOT, dockerfile

HEALTH = "/_stcore/health"
UNITS = {"": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "K": 10**3, "M": 10**6, "G": 10**9}


def k8s() -> dict[str, dict]:
    return {doc["kind"]: doc for doc in yaml.safe_load_all((DEPLOY / "k8s.yaml").read_text())}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def exposed_port() -> int:
    return int(next(args for name, args in dockerfile() if name == "EXPOSE"))


def memory_bytes(quantity: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([KMG]i?)?", quantity).groups()
    return float(number) * UNITS[unit or ""]


def cpus(quantity: str) -> float:
    return float(quantity[:-1]) / 1000 if quantity.endswith("m") else float(quantity)


def container() -> dict:
    (app,) = k8s()["Deployment"]["spec"]["template"]["spec"]["containers"]
    return app


def test_every_kubernetes_object_is_valid_for_the_current_api():
    version = kubernetes_validate.latest_version()
    for doc in k8s().values():
        kubernetes_validate.validate(doc, version, strict=True)  # raises on a wrong field
    assert set(k8s()) == {"Deployment", "Service", "Ingress", "Secret"}


def test_the_validator_rejects_a_misspelt_probe():
    deployment = k8s()["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readynessProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError, match="readynessProbe"):
        kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


def test_the_pods_are_probed_on_streamlits_health_endpoint_of_the_images_port():
    app = container()
    ports = {port["name"]: port["containerPort"] for port in app["ports"]}
    assert list(ports.values()) == [exposed_port()]
    for probe in ("readinessProbe", "livenessProbe"):
        get = app[probe]["httpGet"]
        assert get["path"] == HEALTH
        assert ports.get(get["port"], get["port"]) == exposed_port()
    assert k8s()["Deployment"]["spec"]["replicas"] == 2


def test_the_ingress_reaches_the_pods_through_the_service_with_cookie_affinity():
    deployment, service, ingress = (k8s()[kind] for kind in ("Deployment", "Service", "Ingress"))
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] in [p["name"] for p in container()["ports"]]
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"]["name"] == port["name"]
    notes = {key.removeprefix("nginx.ingress.kubernetes.io/"): value
             for key, value in ingress["metadata"]["annotations"].items()}  # fmt: skip
    assert notes["affinity"] == "cookie"
    assert notes["affinity-mode"] == "persistent"
    assert re.fullmatch(r"[A-Za-z0-9_]+", notes["session-cookie-name"])
    assert int(notes["proxy-read-timeout"]) >= 3600  # a quiet websocket outlives nginx's 60 s


def test_a_replicas_resources_hold_its_server_and_workers():
    app = container()
    settings = {item["name"]: item.get("value") for item in app["env"]}
    workers, worker_mb = (
        int(settings["LSTM_EXPLORER_WORKERS"]),
        int(settings["LSTM_EXPLORER_WORKER_MB"]),
    )
    requests, limits = app["resources"]["requests"], app["resources"]["limits"]
    assert workers == cpus(limits["cpu"])  # one training job per core the pod may use
    assert cpus(requests["cpu"]) <= cpus(limits["cpu"])
    assert memory_bytes(requests["memory"]) < memory_bytes(limits["memory"])
    server_mb = 900  # the page server itself: 0.87 GB RSS (deploy/measure_replica.py)
    assert memory_bytes(limits["memory"]) >= (server_mb + workers * worker_mb) * 2**20


def test_the_compose_file_is_valid_for_the_compose_spec(tmp_path):
    check = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec"]
    done = subprocess.run([*check, str(DEPLOY / "compose.yaml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "compose.yaml"
    text = (DEPLOY / "compose.yaml").read_text()
    broken.write_text(text.replace("condition: service_healthy", "condition: healthy"))
    done = subprocess.run([*check, str(broken)], capture_output=True, text=True)
    assert done.returncode == 1 and "healthy" in done.stdout  # the schema does check


def app_services() -> dict[str, dict]:
    return {name: s for name, s in compose()["services"].items() if "build" in s}


def test_nginx_balances_exactly_the_app_replicas_of_the_compose_file():
    conf = (DEPLOY / "nginx.conf").read_text()
    upstream = re.search(r"upstream \w+ \{(.*?)\}", conf, re.DOTALL).group(1)
    servers = re.findall(r"^\s*server\s+(\S+);", upstream, re.MULTILINE)
    assert sorted(servers) == sorted(f"{name}:{exposed_port()}" for name in app_services())
    assert len(servers) == 2
    assert re.search(r"^\s*hash \$\w+ consistent;", upstream, re.MULTILINE)  # the affinity


def test_the_compose_replicas_are_the_image_and_nginx_waits_for_their_health_check():
    services = compose()["services"]
    for app in app_services().values():
        assert (DEPLOY / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == (
            ROOT / "Dockerfile"
        )
        limits = app["deploy"]["resources"]["limits"]
        assert int(app["environment"]["LSTM_EXPLORER_WORKERS"]) == cpus(limits["cpus"])
        assert memory_bytes(limits["memory"].replace("M", "Mi")) == memory_bytes(  # Docker's M: MiB
            container()["resources"]["limits"]["memory"]
        )  # the same replica as in k8s.yaml
    nginx = services["nginx"]
    assert nginx["image"].split(":")[0] == "nginx"  # the official image
    source, target, *_ = nginx["volumes"][0].split(":")
    assert (DEPLOY / source).resolve() == DEPLOY / "nginx.conf"
    assert target == "/etc/nginx/conf.d/default.conf"
    assert nginx["depends_on"] == {
        name: {"condition": "service_healthy"} for name in app_services()
    }
    assert any(port.endswith(":80") for port in nginx["ports"])  # nginx.conf listens on 80


def test_every_replica_shares_one_postgresql_run_store():
    services = compose()["services"]
    urls = {app["environment"]["LSTM_EXPLORER_DB"] for app in app_services().values()}
    assert len(urls) == 1
    url = sqlalchemy.make_url(urls.pop())
    assert url.get_backend_name() == "postgresql" and url.host in services
    db = services[url.host]
    assert db["image"].split(":")[0] == "postgres"
    assert (db["environment"]["POSTGRES_USER"], db["environment"]["POSTGRES_DB"]) == (
        url.username, url.database,
    )  # fmt: skip
    for app in app_services().values():
        assert app["depends_on"] == {url.host: {"condition": "service_healthy"}}
    env = {e["name"]: e for e in container()["env"]}
    ref = env["LSTM_EXPLORER_DB"]["valueFrom"]["secretKeyRef"]
    secret = k8s()["Secret"]
    assert secret["metadata"]["name"] == ref["name"]
    store.database_url(secret["stringData"][ref["key"]])  # an address the store accepts
