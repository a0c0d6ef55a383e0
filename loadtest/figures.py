"""The load test's figures, as scripts/load-test prints them (from the JSON the locustfile writes)."""

from __future__ import annotations


def print_figures(summary: dict) -> None:
    lines = ["", "== kepweb load test ==",
             f"{summary['users']} virtual citizens (and 5 visitors of the home page), {summary['seconds']} s: "
             f"{summary['requests']} requests, "
             f"{summary['requests_per_second']} requests/s, {summary['failures']} failed; "
             f"pause before each step {summary.get('think_seconds', 0)} s on average",
             f"journeys started {summary['journeys_started']}, bookings completed {summary['bookings_completed']}, "
             f"double clicks answered with the same booking {summary['double_clicks_same_booking']}, "
             f"otherwise {summary['double_clicks_different_answer']}"]
    if "bookings_in_the_api" in summary:
        lines.append(f"bookings in the API {summary['bookings_in_the_api']}, double bookings (citizens with more "
                     f"than one) {summary['citizens_with_more_than_one_booking']}")
    lines.append(f"{'step':<34}{'requests':>9}{'failed':>8}{'p50 ms':>8}{'p95 ms':>8}")
    for name, step in summary["steps"].items():
        lines.append(f"{name:<34}{step['requests']:>9}{step['failures']:>8}{step['p50_ms']:>8.0f}"
                     f"{step['p95_ms']:>8.0f}")
    for kind, count in summary["errors"].items():
        lines.append(f"error ×{count}: {kind}")
    if summary.get("steps_tried_again_after_503"):
        lines.append(f"steps tried again after a 503 (as the page asks): {summary['steps_tried_again_after_503']}")
    for why, count in summary["journeys_lost"].items():
        lines.append(f"journey lost ×{count}: {why}")
    if "hang" in summary:
        hung = summary["hang"]
        lines.append(f"API hung {hung['seconds']} s: home page p50 {hung['home_p50_ms_during']} ms, "
                     f"p95 {hung['home_p95_ms_during']} ms over {hung['home_requests_during']} requests "
                     f"({hung['home_failed_during']} failed); after the hang ended, the first step that needs the "
                     f"API answered after {hung['seconds_to_first_api_step_after']} s, the first booking after "
                     f"{hung['seconds_to_first_booking_after']} s (None: not within the run)")
    print("\n".join(lines), flush=True)
