"""Run the Gemini simulator: `python -m sandbox.gemini --port 8790`.

Point StoFlow at it with GEMINI_BASE_URL=http://127.0.0.1:8790 and GOOGLE_API_KEY set to the
key it accepts (`--api-key`, default GEMINI_SIM_API_KEY or "sandbox-gemini-key").
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from sandbox.gemini.app import DEFAULT_API_KEY, create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.gemini", description="Gemini API simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--api-key", default=os.environ.get("GEMINI_SIM_API_KEY", DEFAULT_API_KEY))
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.api_key), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
