"""Checklist scores and support ratings: plain computations, no database."""

from collections import defaultdict

# Yes counts fully, partly half, no nothing; "not applicable" leaves the item out.
SCORE_POINTS = {"yes": 1.0, "partly": 0.5, "no": 0.0}
MIN_RATINGS_SHOWN = 3


def checklist_scores(answers):
    """answers: (section key, score) pairs → ({section: percent or None}, total percent or None)."""
    points, counts = defaultdict(float), defaultdict(int)
    for section, score in answers:
        counts[section] += 0
        if score in SCORE_POINTS:
            points[section] += SCORE_POINTS[score]
            counts[section] += 1
    sections = {s: round(100 * points[s] / counts[s], 1) if counts[s] else None for s in counts}
    scored = sum(counts.values())
    total = round(100 * sum(points.values()) / scored, 1) if scored else None
    return sections, total


def needs_action(score):
    return score in ("no", "partly")


def aggregate_ratings(rows, fields, minimum=MIN_RATINGS_SHOWN):
    """Average each rating over rows (dicts); None when fewer than `minimum` rows, so that
    a coach cannot tell which coachee or which session a rating came from."""
    if len(rows) < minimum:
        return None
    result = {"count": len(rows)}
    for name in fields:
        values = [row[name] for row in rows if row.get(name) is not None]
        result[name] = round(sum(values) / len(values), 1) if values else None
    return result


def ratings_by_quarter(rows, fields, minimum=MIN_RATINGS_SHOWN):
    """[(\"2026Q3\", aggregate)] for each quarter with enough ratings, oldest first."""
    quarters = defaultdict(list)
    for row in rows:
        at = row["created_at"]
        quarters[f"{at.year}Q{(at.month - 1) // 3 + 1}"].append(row)
    return [(q, agg) for q in sorted(quarters) if (agg := aggregate_ratings(quarters[q], fields, minimum))]
