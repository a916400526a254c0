"""Runs parliament or cloudsplaining in one process over a directory of policy files.

Usage: tools.py parliament|parliament-community|cloudsplaining <dir>. parliament runs with its
defaults; parliament-community adds the community auditors (its privilege-escalation check). Prints one JSON object: per file, the issue
kinds reported, plus timings (imports separately) and peak memory.
"""
import json
import os
import resource
import sys
import time


def main() -> None:
    tool, directory = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    if tool in ("parliament", "parliament-community"):
        from parliament import analyze_policy_string

        community = tool == "parliament-community"

        def run(text, name):
            policy = analyze_policy_string(text, filepath=name, include_community_auditors=community)
            return sorted({f.issue for f in policy.findings})

        privesc = "PRIVILEGE_ESCALATION"
    else:
        from cloudsplaining.command.scan_policy_file import scan_policy

        def run(text, name):
            results = scan_policy(json.loads(text))
            return sorted(k for k, v in results.items() if isinstance(v, dict) and v.get("findings"))

        privesc = "PrivilegeEscalation"
    imported = time.perf_counter()
    results, errors = {}, 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            text = f.read()
        try:
            results[name] = run(text, name)
        except Exception:  # a crash on one policy is counted, not fatal
            errors += 1
            results[name] = ["ERROR"]
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "tool": tool,
                "files": len(results),
                "importSeconds": imported - started,
                "seconds": done - imported,
                "errors": errors,
                "maxRssKb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                "privesc": privesc,
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
