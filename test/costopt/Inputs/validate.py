"""Validates JSON files against a JSON schema; prints 'N valid' or the errors."""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
valid = 0
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=str)
    for error in errors:
        print(f"{path}: {error.json_path}: {error.message}")
    valid += not errors
print(f"{valid} valid")
sys.exit(0 if valid == len(sys.argv) - 2 else 1)
