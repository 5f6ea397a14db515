"""A small evolution loop through the drop-in PersonaStore: save, resume at N+1 with the RNG
state, branch with other settings. Run by `npm test` (test/python/client.test.ts); by hand:

    EVOGIT="node dist/src/cli/main.js" python3 examples/python/test_evogit_store.py
"""
import json
import os
import random
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evogit_store import EvogitError, PersonaStore  # noqa: E402

try:
    from pydantic import BaseModel
    from typing import Dict, List

    class PersonaGenotype(BaseModel):
        name: str
        age: int
        occupation: str
        backstory: str
        core_values: List[str]
        hobbies: List[str]
        personality_traits: Dict[str, float]
        communication_style: str
        topical_focus: str
        interaction_policy: str
        goals: List[str]

    def make(**kw):
        return PersonaGenotype(**kw)
except ImportError:  # the client itself needs no pydantic
    PersonaGenotype = None

    def make(**kw):
        return kw


def seed_population(rng, size=6):
    return [make(name=f"P{i}", age=rng.randint(18, 70), occupation="Chef", backstory="", core_values=["x"], hobbies=[],
                 personality_traits={"openness": rng.random(), "neuroticism": rng.random()},
                 communication_style="", topical_focus="", interaction_policy="", goals=[]) for i in range(size)]


def plain(p):
    return p.model_dump() if hasattr(p, "model_dump") else dict(p)


def step(rng, population, rate):
    """One generation: mutate openness, keep the better half, refill by copying."""
    out = []
    for p in population:
        d = plain(p)
        if rng.random() < rate:
            d["personality_traits"]["openness"] = min(1.0, max(0.0, d["personality_traits"]["openness"] + rng.gauss(0, 0.2)))
        out.append(make(**d))
    out.sort(key=lambda p: -plain(p)["personality_traits"]["openness"])
    half = out[: len(out) // 2]
    return half + [make(**{**plain(p), "name": plain(p)["name"] + "'"}) for p in half]


def scores(population):
    return [plain(p)["personality_traits"]["openness"] for p in population]


def run(store, rng, population, start, stop, rate):
    for g in range(start, stop):
        store.save_generation(g, population, scores=scores(population), meta={"rate": rate, "rng": rng.getstate()[1], "gauss_next": rng.getstate()[2]})
        population = step(rng, population, rate)
    return population


def restore_rng(meta):
    rng = random.Random()
    # The whole state: the cached second gauss() value too, or the resumed run drifts.
    rng.setstate((3, tuple(meta["rng"]), meta["gauss_next"]))
    return rng


class EvolutionLoop(unittest.TestCase):
    def test_save_resume_branch(self):
        root = tempfile.mkdtemp()
        # One run of 8 generations in one go, for reference.
        with PersonaStore(os.path.join(root, "straight"), model=PersonaGenotype) as straight:
            rng = random.Random(42)
            run(straight, rng, seed_population(rng), 0, 8, 0.3)
            reference = [[plain(p) for p in straight.load_generation(g)] for g in range(8)]

        path = os.path.join(root, "persona_data")
        with PersonaStore(path, model=PersonaGenotype) as store:
            self.assertEqual(store.list_generations(), [])
            self.assertEqual(store.load_generation(0), [])
            self.assertIsNone(store.resume())
            rng = random.Random(42)
            run(store, rng, seed_population(rng), 0, 5, 0.3)
            self.assertEqual(store.list_generations(), [0, 1, 2, 3, 4])
            with self.assertRaises(EvogitError) as caught:
                store.save_generation(4, seed_population(rng))
            self.assertEqual(caught.exception.code, "E_GENERATION_EXISTS")

        # A new process: resume at N+1 with the saved RNG state, and end where the straight run did.
        with PersonaStore(path, model=PersonaGenotype) as store:
            point = store.resume()
            self.assertEqual((point["generation"], point["next"]), (4, 5))
            rng = restore_rng(point["meta"])
            population = step(rng, point["population"], point["meta"]["rate"])
            run(store, rng, population, point["next"], 8, point["meta"]["rate"])
            self.assertEqual(store.list_generations(), list(range(8)))
            self.assertEqual([[plain(p) for p in store.load_generation(g)] for g in range(8)], reference)
            if PersonaGenotype is not None:
                self.assertIsInstance(store.load_generation(7)[0], PersonaGenotype)

            # Branch at 3 with another mutation rate; main keeps its 8 generations.
            store.branch("high-mutation", from_generation=3)
            point = store.resume()
            self.assertEqual(point["next"], 4)
            rng = restore_rng(point["meta"])
            run(store, rng, step(rng, point["population"], 0.9), 4, 6, 0.9)
            self.assertEqual(store.list_generations(), [0, 1, 2, 3, 4, 5])
            self.assertEqual(store.load_metadata(5)["meta"]["rate"], 0.9)
            entries = store.log(limit=3)
            self.assertEqual([e["generation"] for e in entries], [5, 4, 3])
            self.assertEqual(store.list_generations(ref="main"), list(range(8)))
            store.checkout("main")
            self.assertEqual(store.list_generations(), list(range(8)))
            self.assertEqual(store.call("diff", **{"from": 3, "to": "high-mutation:4"})["added"] is not None, True)

        # The directory still reads with the original store's rules: gen_<n>.json lists of dicts.
        names = sorted(n for n in os.listdir(path) if n.startswith("gen_") and n.endswith(".json"))
        self.assertEqual(len(names), 8)
        with open(os.path.join(path, "gen_7.json")) as f:
            self.assertEqual(json.load(f), reference[7])


if __name__ == "__main__":
    unittest.main()
