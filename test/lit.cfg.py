# -*- Python -*-
# lit configuration for costopt's regression tests (FileCheck over tool output).

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "COSTOPT"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.costopt_obj_root, "test")
config.excludes = ["Inputs", "Unit", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
# The hostile corpus requires an answer within 2 seconds; a sanitizer build
# runs several times slower, so its CI run raises the limit.
config.substitutions.append(
    ("%timeout", "timeout " + os.environ.get("COSTOPT_TEST_TIMEOUT", "2")))
config.substitutions.append(("%costopt_src", config.costopt_src_root))
config.substitutions.append(("%examples", os.path.join(config.costopt_src_root, "examples")))
config.substitutions.append(("%costopt_obj", config.costopt_obj_root))
# A fake libcuda.so.1 (test/CMakeLists.txt) for verify --target cuda without a GPU.
config.substitutions.append(("%fake_cuda", os.path.join(config.costopt_obj_root, "test", "fake-cuda")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# FileCheck, not and count live beside lit in Debian's LLVM.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.use_default_substitutions()

# The HTML report's test drives a real browser when one is installed.
import shutil
chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if chromium:
    config.available_features.add("chromium")
    config.substitutions.append(("%chromium", chromium))

try:
    import jsonschema  # noqa: F401
    config.available_features.add("jsonschema")
except ImportError:
    pass

# costopt-run-cuda's no-device test applies only where there is no NVIDIA
# GPU; the device node is the simplest honest sign of one.
if os.path.exists("/dev/nvidia0"):
    config.available_features.add("cuda-device")

tool_dirs = [config.costopt_tools_dir, config.llvm_tools_dir]
tools = ["costopt-opt", "costopt", "costopt-run-cuda"]
llvm_config.add_tool_substitutions(tools, tool_dirs)
