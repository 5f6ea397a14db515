"""A drop-in replacement for the original PersonaStore that keeps every generation in an evogit
store (a git repository), through one long-lived `evogit serve --stdio` child process.

Standard library only. The original API is unchanged:

    from evogit_store import PersonaStore
    store = PersonaStore("persona_data")                 # as before
    store.save_generation(0, population)                 # pydantic models or dicts
    population = store.load_generation(0)                # [] when absent, as before
    store.list_generations()                             # [0, 1, 2]

and it adds what the original could not do:

    point = store.resume()                               # {"generation", "next", "population", "meta", ...} or None
    store.save_generation(7, population, scores=[...], meta={"seed": 42, "rng": state})
    store.branch("high-mutation", from_generation=3)     # and continue there with other settings
    store.log(limit=10)                                  # newest first, with score statistics

The evogit command is `evogit` on the PATH, or the `EVOGIT` environment variable (split like a
shell command line, e.g. "node /path/to/evogit/dist/src/cli/main.js"), or the `evogit` argument.
"""
import json
import os
import shlex
import subprocess
import threading

PROTOCOL_VERSION = 1


class EvogitError(Exception):
    """An error the store reported: `code` (e.g. E_GENERATION_EXISTS), `category`, `data`."""

    def __init__(self, code, category, message, data=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.category = category
        self.message = message
        self.data = data


def _to_plain(individual):
    """A pydantic model (v2 or v1), a dataclass, or a dict, as a JSON-ready dict."""
    if isinstance(individual, dict):
        return individual
    if hasattr(individual, "model_dump"):
        return individual.model_dump(mode="json")
    if hasattr(individual, "dict"):
        return individual.dict()
    if hasattr(individual, "__dataclass_fields__"):
        import dataclasses

        return dataclasses.asdict(individual)
    raise TypeError(f"cannot store {type(individual).__name__}: pass pydantic models, dataclasses or dicts")


class PersonaStore:
    """The original PersonaStore's API, stored in git by evogit.

    storage_dir: the store directory (created if missing, as before).
    model: a class to build loaded individuals with (e.g. PersonaGenotype); dicts when None.
    schema: evogit's schema for validation ("persona" for the original genotype, None for any objects).
    evogit: the command that runs evogit, as a list; default from $EVOGIT, else "evogit".
    """

    def __init__(self, storage_dir, model=None, schema="persona", evogit=None):
        command = list(evogit) if evogit else shlex.split(os.environ.get("EVOGIT", "evogit"))
        args = command + ["serve", "--stdio", "--dir", os.path.abspath(storage_dir)]
        if schema:
            args += ["--schema", schema]
        self.storage_dir = storage_dir
        self.model = model
        self._lock = threading.Lock()
        self._next_id = 0
        self._proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
                                      text=True, encoding="utf-8", bufsize=1)
        hello = self._call("hello")
        if hello.get("protocol") != PROTOCOL_VERSION:
            self.close()
            raise RuntimeError(f"evogit serve speaks protocol {hello.get('protocol')}, this client {PROTOCOL_VERSION}")
        self._call("open")

    # -- the original API ------------------------------------------------------------------

    def save_generation(self, generation_id, population, scores=None, score_field=None, meta=None, overwrite=False):
        """Validates and commits a generation: gen_<n>.json plus its sidecar, in one commit."""
        params = {"generation": generation_id, "population": [_to_plain(p) for p in population]}
        if scores is not None:
            params["scores"] = scores
        if score_field is not None:
            params["scoreField"] = score_field
        if meta is not None:
            params["meta"] = meta
        if overwrite:
            params["overwrite"] = True
        return self._call("save", **params)

    def load_generation(self, generation_id, ref=None):
        """The population of a generation ([] when it does not exist, as before)."""
        items = self._call("load", generation=generation_id, **({"ref": ref} if ref else {}))
        return [self.model(**item) for item in items] if self.model else items

    def list_generations(self, ref=None):
        """Sorted generation ids."""
        return self._call("list", **({"ref": ref} if ref else {}))

    # -- what evogit adds ------------------------------------------------------------------

    def resume(self, ref=None):
        """The latest generation to continue from (`next` is the id to save next), or None."""
        point = self._call("resume", **({"ref": ref} if ref else {}))
        if point and self.model:
            point["population"] = [self.model(**item) for item in point["population"]]
        return point

    def branch(self, name, from_generation=None, checkout=True):
        """Creates a branch where generation `from_generation` was the newest, and switches to it."""
        params = {"name": name, "checkout": checkout}
        if from_generation is not None:
            params["from"] = from_generation
        return self._call("branch", **params)

    def checkout(self, name):
        return self._call("checkout", name=name)

    def branches(self):
        return self._call("branches")

    def log(self, limit=None, ref=None):
        """One entry per generation, newest first."""
        params = {}
        if limit is not None:
            params["limit"] = limit
        if ref:
            params["ref"] = ref
        return self._call("log", **params)

    def load_metadata(self, generation_id):
        return self._call("meta", generation=generation_id)

    def call(self, method, **params):
        """Any other method of the protocol (diff, tag, status, add, …), by name."""
        return self._call(method, **params)

    def close(self):
        """Ends the evogit child (closing its stdin is how it knows to exit)."""
        if self._proc.poll() is None:
            self._proc.stdin.close()
            self._proc.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _call(self, method, **params):
        with self._lock:
            self._next_id += 1
            request_id = self._next_id
            self._proc.stdin.write(json.dumps({"id": request_id, "method": method, "params": params}, allow_nan=False) + "\n")
            self._proc.stdin.flush()
            line = self._proc.stdout.readline()
        if not line:
            raise RuntimeError(f"evogit serve exited (code {self._proc.poll()}) during {method}")
        response = json.loads(line)
        if response.get("id") != request_id:
            raise RuntimeError(f"evogit serve answered request {response.get('id')} instead of {request_id}")
        if "error" in response:
            e = response["error"]
            raise EvogitError(e.get("code"), e.get("category"), e.get("message"), e.get("data"))
        return response.get("result")
