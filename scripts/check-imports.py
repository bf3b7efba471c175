#!/usr/bin/env python3
"""The import rules of docs/architecture.md, checked file by file.

For every crate of the workspace, each source file's imports (`use crate::…`, `use super::…`,
`use self::…`, paths written inline, and names the crate root re-exports, followed to the file
that defines them) become edges between files. The script fails when

1. a file imports a file that imports it back, directly or through others (a cycle), or
2. a file under an `engine/` directory reaches a file under `api/`, directly or through
   others (the engine sits under the interfaces).

`mod` declarations are not imports (a parent owns its children), and a file's own
`#[cfg(test)] mod tests` is part of that file.

Usage: scripts/check-imports.py [-v]   (-v prints every edge)
"""

import os
import re
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments(text):
    """Drops comments, string and char literals (so a `crate::` in prose is no import)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not re.match(r"\w", text[i - 1])):
            m = re.match(r'r(#*)"', text[i:])
            end = '"' + m.group(1)
            j = text.find(end, i + len(m.group(0)))
            i = n if j < 0 else j + len(end)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]):
            m = re.match(r"'(\\.[^']*|[^\\'])'", text[i:])
            i += len(m.group(0)) if m else 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def inline_modules(text):
    """`mod name { … }` blocks written inside a file: (start, end, name)."""
    blocks = []
    for m in re.finditer(r"\bmod\s+(" + IDENT + r")\s*\{", text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        blocks.append((m.end(), i, m.group(1)))
    return blocks


def scope_at(blocks, pos):
    """The inline module path at `pos`, outermost first."""
    return [name for start, end, name in blocks if start <= pos < end]


def expand_tree(tree):
    """`a::{b, c::{d as f, e}}` -> [("a::b", "b"), ("a::c::d", "f"), ("a::c::e", "e")]: each
    path and the name it brings into scope."""
    tree = re.sub(r"\s+as\s+(" + IDENT + ")", r"=\1", tree)
    tree = re.sub(r"\s+", "", tree)
    results = []

    def walk(prefix, s):
        # Split s at top-level commas.
        parts, depth, cur = [], 0, ""
        for ch in s:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            if ch == "," and depth == 0:
                parts.append(cur)
                cur = ""
            else:
                cur += ch
        if cur:
            parts.append(cur)
        for p in parts:
            if not p:
                continue
            k = p.find("{")
            if k >= 0:
                walk(prefix + p[:k], p[k + 1:p.rfind("}")])
            else:
                path, _, alias = p.partition("=")
                path = (prefix + path).rstrip(":")
                results.append((path, alias or path.split("::")[-1]))

    walk("", tree)
    return results


class Crate:
    def __init__(self, path):
        self.path = path
        self.src = os.path.join(path, "src")
        self.modules = {}  # module path tuple -> file
        for dirpath, _, files in os.walk(self.src):
            for f in files:
                if f.endswith(".rs"):
                    full = os.path.join(dirpath, f)
                    rel = os.path.relpath(full, self.src)[:-3].split(os.sep)
                    if rel == ["lib"] or rel == ["main"]:
                        mod = ()
                    elif rel[-1] == "mod":
                        mod = tuple(rel[:-1])
                    else:
                        mod = tuple(rel)
                    if mod == () and () in self.modules:
                        continue  # lib.rs wins over main.rs for a crate with both
                    self.modules[mod] = full
        self.text = {m: strip_comments(open(f, encoding="utf-8").read()) for m, f in self.modules.items()}
        self.uses = {m: self.use_paths(m) for m in self.modules}
        # What each module re-exports (`pub use`): name -> absolute path, the names it takes from
        # other crates (a file naming those through it imports that crate, not it), and globs.
        self.exports, self.external, self.globs = {}, {}, {}
        for mod, text in self.text.items():
            exports, external, globs = {}, set(), []
            blocks = inline_modules(text)
            for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]+);", text):
                if scope_at(blocks, m.start()):
                    continue  # inside `mod prelude { … }` and the like
                for path, name in expand_tree(m.group(1)):
                    segs = [s for s in path.split("::") if s]
                    if segs[-1] == "self":
                        segs = segs[:-1]
                    resolved = self.absolute(mod, segs)
                    if resolved is None:
                        external.add(name)
                    elif name == "*":
                        globs.append(tuple(resolved[:-1]))
                    else:
                        exports[name] = tuple(resolved)
            self.exports[mod], self.external[mod], self.globs[mod] = exports, external, globs

    def use_paths(self, mod):
        """Absolute (crate-relative) paths this module names."""
        text = self.text[mod]
        blocks = inline_modules(text)
        paths = []
        for m in re.finditer(r"\buse\s+([^;]+);", text):
            paths.extend((path, m.start()) for path, _ in expand_tree(m.group(1)))
        for m in re.finditer(r"(?<![:\w])((?:crate|super|self)(?:::" + IDENT + ")+)", text):
            paths.append((m.group(1), m.start()))
        out = []
        for p, pos in paths:
            segs = [s for s in p.split("::") if s]
            inner = scope_at(blocks, pos)
            # Inside an inline module, `super` first climbs out of it, within this file.
            while inner and segs and segs[0] in ("super", "self"):
                if segs[0] == "super":
                    inner.pop()
                segs = segs[1:]
            if not segs:
                continue
            if inner:
                if segs[0] not in ("crate", "super", "self"):
                    continue  # relative to the inline module: this file or another crate
            resolved = self.absolute(mod, segs)
            if resolved is not None:
                out.append(tuple(resolved))
        return out

    def absolute(self, mod, segs):
        if not segs:
            return None
        if segs[0] == "crate":
            return segs[1:]
        base = list(mod)
        i = 0
        if segs[0] == "self":
            i = 1
        elif segs[0] == "super":
            while i < len(segs) and segs[i] == "super":
                base = base[:-1]
                i += 1
        elif tuple(base + [segs[0]]) in self.modules:
            pass  # a child module named relatively
        else:
            return None  # an external crate or a std path
        return base + segs[i:]

    def file_of(self, path, depth=0):
        """The file that defines what `path` names (None: another crate)."""
        path = tuple(path)
        # Longest module prefix.
        for k in range(len(path), -1, -1):
            if path[:k] in self.modules:
                mod, rest = path[:k], path[k:]
                break
        if rest and rest[0] in self.external[mod]:
            return None
        if rest and depth < 8 and rest[0] in self.exports[mod]:
            target = self.exports[mod][rest[0]]
            if target != path:
                return self.file_of(target + rest[1:], depth + 1)
        if rest and depth < 8:
            for glob in self.globs[mod]:
                if glob in self.modules and self.provides(glob, rest[0], depth):
                    # Followed on: the glob's module may re-export it in turn.
                    return self.file_of(glob + rest, depth + 1)
        return self.modules[mod]

    def provides(self, mod, name, depth=0):
        """Whether `mod` defines or re-exports `name` (through its own globs too)."""
        if name in self.defined(mod) or name in self.exports[mod]:
            return True
        return depth < 8 and any(
            g in self.modules and self.provides(g, name, depth + 1) for g in self.globs[mod]
        )

    def defined(self, mod):
        """The public names a module defines at its top level (and the `Name, "…" {` items
        of a defining macro such as mediacapture-types' `idl_enum!`)."""
        text = self.text[mod]
        return set(re.findall(
            r"\bpub\s+(?:(?:unsafe|async|const)\s+)*(?:struct|enum|fn|trait|const|static|type|union|mod)\s+(" + IDENT + ")",
            text)) | set(re.findall(r"(" + IDENT + r")\s*,\s*\"\"\s*\{", text))


def main():
    verbose = "-v" in sys.argv
    manifest = tomllib.load(open(os.path.join(ROOT, "Cargo.toml"), "rb"))
    problems = []
    for member in manifest["workspace"]["members"]:
        crate = Crate(os.path.join(ROOT, member))
        edges = {f: set() for f in crate.modules.values()}
        for mod, paths in crate.uses.items():
            src = crate.modules[mod]
            for p in paths:
                dst = crate.file_of(p)
                if dst is not None and dst != src:
                    edges[src].add(dst)
        rel = lambda f: os.path.relpath(f, ROOT)
        if verbose:
            for s in sorted(edges):
                for d in sorted(edges[s]):
                    print(f"{rel(s)} -> {rel(d)}")
        # Cycles: strongly connected components with more than one file (Tarjan).
        index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

        def strong(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in edges[v]:
                if w not in index:
                    strong(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    sccs.append(comp)

        sys.setrecursionlimit(10000)
        for v in edges:
            if v not in index:
                strong(v)
        for comp in sccs:
            problems.append("import cycle: " + ", ".join(sorted(rel(f) for f in comp)))
        # The engine never reaches the interfaces.
        sep = os.sep
        for s in edges:
            if f"{sep}engine{sep}" not in s:
                continue
            seen, todo = set(), [s]
            while todo:
                v = todo.pop()
                for w in edges[v]:
                    if w not in seen:
                        seen.add(w)
                        todo.append(w)
            for w in sorted(seen):
                if f"{sep}api{sep}" in w:
                    problems.append(f"engine reaches api: {rel(s)} -> … -> {rel(w)}")
    for p in problems:
        print(p)
    if problems:
        sys.exit(1)
    print("imports: no cycles between files; no engine file reaches an api file")


if __name__ == "__main__":
    main()
