"""Build script for ccfast's native modules.

pyproject.toml holds the metadata; this file only says what pyproject cannot: which C kernel
directories each Cython module links, and the compiler flags.  No ISA flag (-maes, -mavx2,
-march=native) is ever put on a whole module: accelerated functions carry their own
``target`` attributes (CCF_TARGET in csrc/common/ccf_common.h) and are chosen at run time,
so one wheel runs on every CPU of its architecture.
"""
import glob
import os
import sys

# Cython module -> kernel directories under csrc/ whose *.c files it links.
# A module is built only when its .pyx exists, so areas can land one at a time.
COMPONENTS = {
    "ccfast._cpu": ["common"],
    "ccfast._aead": ["common", "aes", "gcm"],
    "ccfast._sm3": ["common", "sm3"],
    "ccfast._sm4": ["common", "sm4", "aes", "gcm"],
    "ccfast._sm2": ["common", "sm3", "sm2"],
    "ccfast._srtp": ["common", "aes", "gcm", "sha1", "sm4", "srtp"],
    "ccfast._jitter": ["common", "jitter"],
    "ccfast._fpe": ["common", "aes", "gcm", "sm4", "fpe"],
    "ccfast._mask": ["common", "mask"],
    "ccfast._tlog": ["common", "sm3", "sha256", "tlog"],
    "ccfast._chunked": ["common", "aes", "gcm", "sm4", "sm3", "sha256", "sha512", "chunked"],
    "ccfast._keywrap": ["common", "aes", "gcm", "sm4", "keywrap"],
}
COMPONENTS["ccfast._net"] = ["common", "net"]
# System libraries a module links on Windows (Winsock for the datagram batches).
WINDOWS_LIBRARIES = {"ccfast._net": ["ws2_32"]}

HERE = os.path.dirname(os.path.abspath(__file__))


def component_sources(dirs):
    """The C files of the given csrc/ directories, relative to the project root."""
    files = []
    for d in dirs:
        files += sorted(glob.glob(os.path.join("csrc", d, "*.c"), root_dir=HERE))
    return files


def compile_args(msvc):
    if msvc:
        return ["/O2", "/W3"]
    args = ["-O3", "-std=gnu11", "-fvisibility=hidden", "-Wall", "-Wno-unused-function"]
    if not os.environ.get("CCFAST_DEBUG"):
        args.append("-g0")          # the interpreter's CFLAGS carry -g; wheels need no debug info
    if os.environ.get("CCFAST_SANITIZE"):
        args += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-O1", "-g"]
    return args


def main():
    from Cython.Build import cythonize
    from setuptools import Extension, setup
    from setuptools.command.build_ext import build_ext

    class BuildExt(build_ext):
        def build_extensions(self):
            msvc = self.compiler.compiler_type == "msvc"
            for ext in self.extensions:
                ext.extra_compile_args = compile_args(msvc)
                if not msvc and os.environ.get("CCFAST_SANITIZE"):
                    ext.extra_link_args = ["-fsanitize=address,undefined"]
            super().build_extensions()

    include_dirs = [os.path.join("csrc", d) for d in sorted({d for v in COMPONENTS.values() for d in v})]
    extensions = []
    for module, dirs in COMPONENTS.items():
        pyx = os.path.join("src", *module.split(".")) + ".pyx"
        if not os.path.exists(os.path.join(HERE, pyx)):
            continue
        extensions.append(
            Extension(
                module,
                [pyx] + component_sources(dirs),
                include_dirs=include_dirs,
                define_macros=[("CYTHON_USE_TYPE_SPECS", "0")],
                libraries=WINDOWS_LIBRARIES.get(module, []) if sys.platform == "win32" else [],
            )
        )
    only = os.environ.get("CCFAST_BUILD_ONLY")  # developer convenience: build a subset
    if only:
        keep = {m.strip() for m in only.split(",")}
        extensions = [e for e in extensions if e.name in keep or e.name.split(".")[-1] in keep]

    setup(
        ext_modules=cythonize(
            extensions,
            language_level=3,
            # binding=True (Cython 3's default, stated here on purpose): methods and functions are
            # cyfunctions, whose parameters inspect.signature() and help() read; classes carry a
            # `Name(...)\n--\n\n` line in their docstrings (src/ccfast/_args.pxd).  Measured
            # against binding=False with clinic text signatures (callgrind, instructions per call):
            # SRTP protect 8754 vs 8828 and SM4GCM.encrypt 5262 vs 5338 (methods a subclass
            # inherits), AESGCM.encrypt 2805 vs 2719, sm3.digest 6638 vs 6573: within 4% either way.
            compiler_directives={"freethreading_compatible": True, "embedsignature": True, "binding": True},
        ),
        cmdclass={"build_ext": BuildExt},
    )


if __name__ == "__main__":
    main()
