# -*- Python -*-
# lit configuration that runs every GoogleTest binary under build/unittests.

import os

import lit.formats

config.name = "COSTOPT-Unit"
config.suffixes = []
config.test_exec_root = os.path.join(config.costopt_obj_root, "unittests")
config.test_source_root = config.test_exec_root
config.test_format = lit.formats.GoogleTest(".", "Tests")
