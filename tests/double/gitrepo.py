"""Git repositories made by tests, deployed through the double's git family."""

import subprocess

IDENTITY = ["-c", "user.name=Test", "-c", "user.email=test@example.com"]


def git(path, *args):
    proc = subprocess.run(["git", "-C", str(path)] + IDENTITY + list(args),
                          capture_output=True, text=True, check=True)
    return proc.stdout.strip()


class Source:
    """A source repository on branch main: ``url``; ``commit(message, files)`` -> commit id."""

    def __init__(self, path):
        subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
        self.path = path
        self.url = "file://%s" % path

    def git(self, *args):
        return git(self.path, *args)

    def commit(self, message, files=None):
        for name, content in (files or {"app.py": "print(%r)\n" % message}).items():
            (self.path / name).write_text(content, encoding="utf-8")
        self.git("add", "--all")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD")
