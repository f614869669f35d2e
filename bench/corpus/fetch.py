"""Rebuild the precision corpus: real public code that uses pymilvus, and code that only looks alike.

    python bench/corpus/fetch.py DIR                   # fetch the PyPI part into DIR, check every file
    python bench/corpus/fetch.py DIR --check           # only check DIR against the manifest
    python bench/corpus/fetch.py DIR --select ARCHIVES # (maintainers) rebuild the manifest's PyPI
                                                       # part from downloaded archives

The corpus itself is public code under its authors' licences and is never committed; the manifest
(`manifest.toml` beside this file) says where each file comes from and its sha256, so the same bytes
can be had again and a reviewer's verdicts (`verdicts.toml`) stay attached to them.

Two kinds of source:
- `pypi`: a member of a released archive, fetched with `pip download NAME==VERSION --no-deps`
  (`--no-binary NAME` for an sdist). Fully reproducible anywhere PyPI is reachable.
- `github`: a file read from a public repository through a code-search index (repo, path and
  commit, or only the index's id where the index did not name the file). These cannot be fetched by
  this script: it checks they are present in DIR with the right sha256 and says which are missing.

A file's id is its path under DIR (`pypi/<name>/<member>` or `github/<owner>/<repo>/<path>`); the
version is not part of the id, so moving to a newer release keeps verdicts whose lines did not change.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.toml"
SOURCE_SUFFIXES = (".py", ".ipynb")

# Selection (used with --select): which members of an archive enter the corpus, and in which role.
#   uses      - the text names pymilvus
#   mentions  - names Milvus but not pymilvus (wrappers, integrations: look-alikes by nature)
#   look-alike - another vector database's code shaped like pymilvus code
LOOKALIKE_PATH = re.compile(
    r"(vectorstore|vector_store|vectordb|vector_db|/storage|/kg/|retriever|/memory/)", re.I
)
LOOKALIKE_TEXT = re.compile(rb"(Collection|\.search\(|\.query\(|[cC]lient)")
LOOKALIKE_PACKAGES = {"qdrant-client", "chromadb", "pyobvector"}
LOOKALIKE_PACKAGE_TEXT = re.compile(rb"(class \w*Collection\b|def (search|query|insert|upsert)\()")
# pymilvus' own source is the SDK, not code that uses it: never part of the corpus.
EXCLUDED_PACKAGES = {"pymilvus"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_members(path: Path) -> dict[str, bytes]:
    """Source members of a wheel or sdist, keyed by path (an sdist's top directory removed)."""
    members: dict[str, bytes] = {}
    if path.suffix in (".whl", ".zip"):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(SOURCE_SUFFIXES):
                    members[name] = archive.read(name)
    else:
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                if member.isfile() and member.name.endswith(SOURCE_SUFFIXES):
                    name = member.name.split("/", 1)[1] if "/" in member.name else member.name
                    members[name] = archive.extractfile(member).read()
    return members


def role_of(package: str, member: str, data: bytes) -> str | None:
    if b"pymilvus" in data:
        return "uses"
    if re.search(rb"milvus", data, re.I):
        return "mentions"
    if package in LOOKALIKE_PACKAGES:
        return "look-alike" if LOOKALIKE_PACKAGE_TEXT.search(data) else None
    if LOOKALIKE_PATH.search("/" + member) and LOOKALIKE_TEXT.search(data):
        return "look-alike"
    return None


def download(name: str, version: str, kind: str, into: Path) -> Path:
    command = [sys.executable, "-m", "pip", "download", "-q", f"{name}=={version}", "--no-deps"]
    command += ["--no-binary", name] if kind == "sdist" else ["--only-binary", ":all:"]
    subprocess.run([*command, "-d", str(into)], check=True)
    (archive,) = [p for p in into.iterdir() if p.is_file()]
    return archive


def load_manifest() -> dict:
    return tomllib.loads(MANIFEST.read_text(encoding="utf-8"))


def fetch(directory: Path, manifest: dict) -> int:
    """Download every package in the manifest and write its listed members under DIR/pypi/."""
    files_by_package: dict[str, list[dict]] = {}
    for entry in manifest["file"]:
        if entry["source"] == "pypi":
            files_by_package.setdefault(entry["archive"], []).append(entry)
    problems = 0
    with tempfile.TemporaryDirectory() as scratch:
        for package in manifest["package"]:
            spec = f"{package['name']}=={package['version']}"
            target = Path(scratch) / f"{package['name']}-{package['kind']}"
            target.mkdir()
            archive = download(package["name"], package["version"], package["kind"], target)
            if sha256(archive.read_bytes()) != package["archive_sha256"]:
                print(f"{spec}: archive differs from the manifest's (republished?)")
                problems += 1
            members = archive_members(archive)
            for entry in files_by_package.get(package["archive"], []):
                data = members.get(entry["member"])
                if data is None:
                    print(f"{entry['id']}: not in {archive.name}")
                    problems += 1
                    continue
                out = directory / entry["id"]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data)
    return problems


def check(directory: Path, manifest: dict) -> int:
    missing = changed = 0
    for entry in manifest["file"]:
        path = directory / entry["id"]
        if not path.is_file():
            missing += 1
            if entry["source"] != "pypi":
                continue  # reported in the summary: these cannot be fetched by this script
            print(f"missing: {entry['id']}")
        elif sha256(path.read_bytes()) != entry["sha256"]:
            changed += 1
            print(f"sha256 differs: {entry['id']}")
    present = len(manifest["file"]) - missing
    github_missing = sum(
        1 for e in manifest["file"] if e["source"] != "pypi" and not (directory / e["id"]).is_file()
    )
    print(f"{present} of {len(manifest['file'])} files present, {changed} changed")
    if github_missing:
        print(
            f"{github_missing} files from public repositories are absent: they were read through a"
            " code-search index and cannot be fetched by this script (repo, path, commit and sha256"
            " are in the manifest)"
        )
    return 1 if changed or missing - github_missing else 0


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_manifest(packages: list[dict], files: list[dict]) -> None:
    lines = [
        "# The precision corpus: where each file comes from, and its sha256.",
        "# Generated by `python bench/corpus/fetch.py DIR --select ARCHIVES` (PyPI part) and kept by",
        "# hand for files from public repositories. Roles: uses (names pymilvus), mentions (names",
        "# Milvus only), look-alike (another vector database's code shaped like pymilvus code).",
        "",
    ]
    for package in packages:
        lines += ["[[package]]"]
        lines += [f"{key} = {toml_string(package[key])}" for key in package]
        lines += [""]
    for entry in files:
        lines += ["[[file]]"]
        lines += [f"{key} = {toml_string(entry[key])}" for key in entry]
        lines += [""]
    MANIFEST.write_text("\n".join(lines), encoding="utf-8")


def select(directory: Path, archives: list[Path], manifest: dict | None) -> None:
    """Choose members of ARCHIVES by the selection rules, write them to DIR/pypi and the manifest.

    Files from public repositories already in the manifest are kept as they are.
    """
    kept = [e for e in (manifest or {}).get("file", []) if e["source"] != "pypi"]
    packages, files, seen, ids = [], [], set(), set()
    for archive in sorted(archives, key=lambda a: (a.suffix != ".whl", a.name)):
        name, version, kind = parse_archive_name(archive)
        if name in EXCLUDED_PACKAGES:
            continue
        spec = f"{name}=={version}"
        packages.append(
            {
                "name": name,
                "version": version,
                "kind": kind,
                "archive": archive.name,
                "archive_sha256": sha256(archive.read_bytes()),
            }
        )
        for member, data in sorted(archive_members(archive).items()):
            role = role_of(name, member, data)
            digest = sha256(data)
            if role is None or digest in seen:
                continue
            seen.add(digest)
            file_id = f"pypi/{name}/{member}"
            if kind == "sdist" and file_id in ids:
                file_id = f"pypi/{name}/sdist/{member}"  # differs from the wheel's copy
            ids.add(file_id)
            out = directory / file_id
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
            files.append(
                {
                    "id": file_id,
                    "source": "pypi",
                    "package": spec,
                    "archive": archive.name,
                    "member": member,
                    "role": role,
                    "sha256": digest,
                }
            )
    write_manifest(packages, files + kept)
    print(f"{len(packages)} packages, {len(files)} files selected, {len(kept)} others kept")


def parse_archive_name(archive: Path) -> tuple[str, str, str]:
    """('langchain-milvus', '0.4.0', 'wheel') from langchain_milvus-0.4.0-py3-none-any.whl."""
    if archive.suffix == ".whl":
        name, version = archive.name.split("-")[:2]
        kind = "wheel"
    else:
        stem = re.sub(r"\.(tar\.gz|zip|tgz)$", "", archive.name)
        name, version = stem.rsplit("-", 1)
        kind = "sdist"
    return re.sub(r"[-_.]+", "-", name).lower(), version, kind


ADD_GITHUB_HELP = (
    "(maintainers) record files read from public repositories: one line each, tab-separated"
    " repo, path, commit; the file must already be at DIR/github/<repo>/<path>. A file the index"
    " knew only by id is given as repo 'index-id:N' and path NAME (stored as"
    " DIR/github/_by_index_id/N_NAME)."
)


def add_github(directory: Path, table: Path, manifest: dict) -> None:
    files = manifest["file"]
    known = {entry["id"] for entry in files}
    added = 0
    for line in table.read_text(encoding="utf-8").splitlines():
        repo, path, commit = line.split("\t")[:3]
        if repo.startswith("index-id:"):
            index_id = repo.removeprefix("index-id:")
            entry = {"id": f"github/_by_index_id/{index_id}_{path}", "source": "github"}
            entry["index_id"] = index_id
        else:
            entry = {"id": f"github/{repo}/{path}", "source": "github", "repo": repo}
            entry |= {"path": path, "commit": commit}
        if entry["id"] in known:
            continue
        data = (directory / entry["id"]).read_bytes()
        entry["role"] = role_of("", entry["id"], data) or "look-alike"
        entry["sha256"] = sha256(data)
        files.append(entry)
        known.add(entry["id"])
        added += 1
    write_manifest(manifest["package"], files)
    print(f"{added} files from public repositories added")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--check", action="store_true", help="only check DIR against the manifest")
    parser.add_argument("--select", nargs="+", type=Path, metavar="ARCHIVE")
    parser.add_argument("--add-github", type=Path, metavar="TSV", help=ADD_GITHUB_HELP)
    args = parser.parse_args()
    if args.add_github:
        add_github(args.directory, args.add_github, load_manifest())
        return 0
    if args.select:
        select(args.directory, args.select, load_manifest() if MANIFEST.exists() else None)
        return 0
    manifest = load_manifest()
    if not args.check and fetch(args.directory, manifest):
        return 1
    return check(args.directory, manifest)


if __name__ == "__main__":
    sys.exit(main())
