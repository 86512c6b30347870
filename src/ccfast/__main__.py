"""python -m ccfast {info,speed,selftest,demo,log,seal,unseal,rewrap,inspect,relay-bench}"""
import argparse
import sys


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ccfast", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="CPU features and the implementation chosen for each algorithm")
    speed = sub.add_parser("speed", help="throughput of every kernel, peers side by side")
    speed.add_argument("areas", nargs="*", help="only these areas (aes, srtp, sm3, sm4, sm2, jitter, fpe, mask, tlog)")
    speed.add_argument("--seconds", type=float, default=0.2, help="time per measurement (default 0.2)")
    speed.add_argument("--json", metavar="FILE", nargs="?", const="-",
                       help="the results as JSON: on standard output (the table then goes to "
                            "standard error), or into FILE")
    sub.add_parser("selftest", help="known-answer tests of every implementation usable on this CPU")
    demo = sub.add_parser("demo", help="a simulated call end to end")
    demo.add_argument("--seconds", type=float, default=10.0, help="call length in seconds")
    demo.add_argument("--seed", type=int, default=1)
    from ._cli import log as log_cli
    log_cli.add_parser(sub)
    from ._cli import recording as recording_cli
    recording_cli.add_parsers(sub)
    relay = sub.add_parser("relay-bench", add_help=False,
                           help="a loopback SRTP relay measured: asyncio per packet vs batches (--help for options)")
    relay.add_argument("relay_args", nargs=argparse.REMAINDER)
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["relay-bench"]:                  # its options are its own (see --help)
        from ._cli.relay_bench import main as relay_main
        return relay_main(argv[1:])
    args = parser.parse_args(argv)

    if args.command == "info":
        from ._cli.info import run
        return run()
    if args.command == "speed":
        from ._cli.speed import run
        return run(args.areas, args.seconds, args.json)
    if args.command == "log":
        return log_cli.run(args)
    if args.command in ("seal", "unseal", "rewrap", "inspect"):
        return recording_cli.run(args)
    if args.command == "selftest":
        from ._cli.selftest import run
        return run()
    from ._cli.demo import run
    return run(args.seconds, args.seed)


if __name__ == "__main__":
    sys.exit(main())
