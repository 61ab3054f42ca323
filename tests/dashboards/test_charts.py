"""SVG charts: accessible, small, and drawing what they are given. No database."""

import re

from pevcoach.dashboards import charts


def test_sparkline_has_a_title_breaks_at_missing_months_and_marks_the_last_point():
    svg = charts.sparkline([50, 60, None, 70, 80], title="Penta3 <coverage>")
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Penta3 &lt;coverage&gt;</title>" in svg  # text is escaped
    assert svg.count("<polyline") == 2 and "<circle" in svg
    assert len(svg) < 600


def test_sparkline_of_nothing_is_nothing():
    assert charts.sparkline([None, None], title="x") == ""


def test_stacked_bars_stack_and_label_the_peak():
    svg = charts.stacked_bars(["01/25", "02/25"], [("m1", [2, 0]), ("m2", [1, 3])], title="Sessions")
    assert svg.count("<rect") == 3
    assert ">3<" in svg  # the peak on the y axis
    assert "<title>Sessions</title>" in svg
    assert len(svg) < 2_000


def test_a_year_of_bars_stays_within_a_few_kilobytes():
    labels = [f"{m:02d}/25" for m in range(1, 13)]
    svg = charts.stacked_bars(labels, [(f"m{i}", list(range(12))) for i in (1, 2, 3)], title="Sessions")
    assert len(svg) < 5_000
    assert len(re.findall(r"<text", svg)) <= 8  # at most 6 month labels and the two y labels


def test_line_chart_draws_each_line_and_the_marker():
    svg = charts.line_chart(["a", "b", "c"], [("l1", [10, None, 30]), ("l2", [20, 25, 28])], title="Trend",
                            marker=1, marker_label="start")
    assert 'class="l2"' in svg and 'class="marker"' in svg and ">start<" in svg
    assert 'class="l1"' not in svg  # a line broken into single points draws nothing of its own


def test_gap_map_links_every_facility_with_its_title_and_draws_outlines():
    points = [{"lon": -5.76, "lat": 10.55, "href": "/dashboards/u/1/", "label": "CSCom A : 85 %", "css": "g1"},
              {"lon": -5.58, "lat": 10.59, "href": "/dashboards/u/2/", "label": "CSCom B : 60 %", "css": "g4"}]
    outline = {"type": "Polygon", "coordinates": [[[-5.9, 10.4], [-5.4, 10.4], [-5.4, 10.8], [-5.9, 10.8],
                                                   [-5.9, 10.4]]]}
    svg = charts.gap_map(points, [outline], title="Kadiolo")
    assert svg.count('<a href="/dashboards/u/') == 2
    assert "<title>CSCom A : 85 %</title>" in svg and 'class="g4"' in svg
    assert '<path class="outline" d="M' in svg
    width, height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    for cx, cy in re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg):
        assert 0 <= float(cx) <= width and 0 <= float(cy) <= height
    # North is up: the more northern facility is drawn higher.
    (_x1, y1), (_x2, y2) = re.findall(r'cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert float(y2) < float(y1)


def test_gap_map_of_one_facility_and_of_none():
    one = [{"lon": -5.0, "lat": 11.0, "href": "/x/", "label": "Only", "css": "g0"}]
    assert "<circle" in charts.gap_map(one, title="One")
    assert charts.gap_map([], title="None") == ""


def test_multipolygon_outlines_are_drawn_ring_by_ring():
    square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    other = [[[2, 2], [3, 2], [3, 3], [2, 3], [2, 2]]]
    points = [{"lon": 0.5, "lat": 0.5, "href": "/x/", "label": "x", "css": "g1"}]
    svg = charts.gap_map(points, [{"type": "MultiPolygon", "coordinates": [square, other]}], title="t")
    assert svg.count("M") == 2
