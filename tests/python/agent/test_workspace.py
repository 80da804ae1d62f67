"""The workspace layout and the file tools' confinement."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from benchgen.agent.reviews import parse_review, write_review
from benchgen.agent.skills import builtin_skill_dir
from benchgen.agent.toolbox import ToolBox
from benchgen.agent.workspace import ToolError, Workspace
from benchgen.sandbox import SandboxLimits

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return Workspace.create(
        tmp_path / "run", skills={"family-contract": builtin_skill_dir() / "family-contract"}
    )


def test_layout_of_the_generator_spec(ws: Workspace) -> None:
    names = {p.relative_to(ws.root).as_posix() for p in ws.root.rglob("*")}
    assert {
        "skills/family-contract/SKILL.md",
        "utils/tools.py",
        "utils/run_tool.py",
        "renders/images",
        "renders/videos",
        "reviews",
        "journal.md",
        "todo.md",
        "plan.md",
        "script.py",
    } <= names
    for folder in ("skills", "utils"):
        assert not (ws.root / folder).stat().st_mode & 0o222
        assert not (ws.root / folder / os.listdir(ws.root / folder)[0]).stat().st_mode & 0o222


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("../x.py", id="dotdot"),
        pytest.param("/etc/passwd", id="absolute"),
        pytest.param("renders/../../x", id="nested-dotdot"),
        pytest.param("", id="empty"),
    ],
)
def test_paths_leaving_the_workspace_are_refused(ws: Workspace, path: str) -> None:
    with pytest.raises(ToolError):
        ws.read(path)


def test_symlinks_out_of_the_workspace_are_refused(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("s")
    (ws.root / "link").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(ToolError, match="outside the workspace"):
        ws.read("link")


@pytest.mark.parametrize(
    ("role", "path", "allowed"),
    [
        pytest.param("planner", "plan.md", True, id="planner-plan"),
        pytest.param("planner", "script.py", False, id="planner-script"),
        pytest.param("coder", "script.py", True, id="coder-script"),
        pytest.param("coder", "helpers/check.py", True, id="coder-helper"),
        pytest.param("coder", "plan.md", False, id="coder-plan"),
        pytest.param("coder", "skills/x/SKILL.md", False, id="coder-skills"),
        pytest.param("coder", "utils/tools.py", False, id="coder-utils"),
        pytest.param("coder", "reviews/001.md", False, id="coder-reviews"),
        pytest.param("coder", "journal.md", False, id="coder-journal"),
        pytest.param("reviewer", "todo.md", False, id="reviewer-todo"),
    ],
)
def test_writable_paths_per_role(ws: Workspace, role: str, path: str, allowed: bool) -> None:
    if allowed:
        ws.write(path, "x", role=role)  # type: ignore[arg-type]
        assert (ws.root / path).read_text() == "x"
    else:
        with pytest.raises(ToolError):
            ws.write(path, "x", role=role)  # type: ignore[arg-type]


def test_edit_needs_a_unique_snippet(ws: Workspace) -> None:
    ws.write("script.py", "a = 1\na = 1\n", role="coder")
    with pytest.raises(ToolError, match="found 2 times"):
        ws.edit("script.py", "a = 1", "a = 2", role="coder")
    ws.edit("script.py", "a = 1\na", "a = 2\na", role="coder")
    assert ws.read("script.py") == "a = 2\na = 1\n"


def test_journal_entries_have_the_three_headings(ws: Workspace) -> None:
    ws.append_journal("1. planner", intent="plan", result="- wrote plan.md", reflection="fine")
    text = ws.read("journal.md")
    assert text.startswith("# Journal\n\n## 1. planner\n\n### Intent\n\nplan\n\n### Result\n")
    assert "### Reflection\n\nfine" in text


def test_reviews_are_numbered_and_typed(ws: Workspace) -> None:
    path, review = write_review(
        ws.root / "reviews", "---\ndecision: approved\ncomments: [ok]\n---\nnice"
    )
    assert path.name == "001.md" and review.comments == ["ok"]
    path, _ = write_review(ws.root / "reviews", "---\ndecision: rejected\n---\n")
    assert path.name == "002.md"
    with pytest.raises(ToolError, match="decision"):
        parse_review("---\ncomments: []\n---\n")
    with pytest.raises(ToolError, match="not closed"):
        parse_review("---\ndecision: approved\n")


def test_toolbox_offers_each_role_its_tools(ws: Workspace) -> None:
    limits = SandboxLimits()
    assert ToolBox(ws, "planner", limits=limits).names == [
        "edit",
        "get_docs_for",
        "ls",
        "read",
        "write",
    ]
    assert ToolBox(ws, "reviewer", limits=limits).names == ["ls", "read", "write_review"]
    coder = ToolBox(ws, "coder", limits=limits)
    assert {"execute", "validate", "simulate", "submit_for_review"} <= set(coder.names)
    assert "family-contract" in coder.call("ls", '{"path": "skills"}')


@pytest.mark.slow
def test_get_docs_for_is_offline(ws: Workspace) -> None:
    box = ToolBox(ws, "coder", limits=SandboxLimits())
    assert "FAMILY = MyFamily" in box.call("get_docs_for", '{"name": "family"}')
    assert "half-extents" in box.call("get_docs_for", '{"name": "Piece"}')
    assert "box_piece(size" in box.call("get_docs_for", '{"name": "box_piece"}')
    assert "no documentation found" in box.call("get_docs_for", '{"name": "NoSuchThing"}')


# What earlier agent code could leave in a workspace: restore_protected never follows it.


@pytest.fixture
def host_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "host" / "secret.txt"
    secret.parent.mkdir()
    secret.parent.chmod(0o700)
    secret.write_text("root only")
    secret.chmod(0o600)
    return secret


def _replace_with_link(path: Path, target: Path) -> None:
    path.parent.chmod(0o755)
    if path.is_dir() and not path.is_symlink():
        import shutil

        for sub in [path, *path.rglob("*")]:
            sub.chmod(0o755)
        shutil.rmtree(path)
    else:
        path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize(
    "rel",
    [
        pytest.param("plan.md", id="plan"),
        pytest.param("utils/README.md", id="utils-file"),
        pytest.param("skills/family-contract", id="skill-folder"),
    ],
)
def test_restore_replaces_symlinks_without_following_them(
    ws: Workspace, host_secret: Path, rel: str
) -> None:
    target = host_secret if "." in rel else host_secret.parent
    _replace_with_link(ws.root / rel, target)
    restored = ws.restore_protected()
    assert restored
    assert host_secret.read_text() == "root only"
    assert stat.S_IMODE(host_secret.stat().st_mode) == 0o600
    assert stat.S_IMODE(host_secret.parent.stat().st_mode) == 0o700
    assert sorted(p.name for p in host_secret.parent.iterdir()) == ["secret.txt"]
    assert not (ws.root / rel).is_symlink()
    assert (ws.root / "utils" / "README.md").is_file()
    assert (ws.root / "skills" / "family-contract" / "SKILL.md").is_file()
    assert ws.restore_protected() == []


def test_a_missing_file_the_link_points_to_is_not_created(ws: Workspace, tmp_path: Path) -> None:
    target = tmp_path / "created-by-root.txt"
    _replace_with_link(ws.root / "plan.md", target)
    ws.restore_protected()
    assert not target.exists()
    assert (ws.root / "plan.md").is_file() and not (ws.root / "plan.md").is_symlink()


@pytest.mark.timeout(30)
def test_a_fifo_in_place_of_plan_md_does_not_hang_the_host(ws: Workspace) -> None:
    (ws.root / "plan.md").unlink()
    os.mkfifo(ws.root / "plan.md")
    assert ws.restore_protected() == ["plan.md"]
    assert stat.S_ISREG((ws.root / "plan.md").lstat().st_mode)


def test_reopening_a_workspace_rewrites_what_agent_code_could_have_changed(
    ws: Workspace, host_secret: Path
) -> None:
    _replace_with_link(ws.root / "utils", host_secret.parent)
    _replace_with_link(ws.root / "todo.md", host_secret)
    again = Workspace.create(ws.root, skills={})
    assert (again.root / "utils" / "tools.py").is_file()
    assert not (again.root / "todo.md").is_symlink()
    assert host_secret.read_text() == "root only"
    assert sorted(p.name for p in host_secret.parent.iterdir()) == ["secret.txt"]
