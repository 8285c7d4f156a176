"""`python -m nmt_like`: the package's own entry point."""
import json
import sys

print(json.dumps({"name": __name__, "spec": __spec__.name, "argv": sys.argv}))
