from tui.cli import main

# Guarded: worker processes (multiprocessing "spawn") import this module again.
if __name__ == "__main__":
    raise SystemExit(main())
