"""Formulas against published values (NWS heat index table, Environment Canada wind chill table)."""

from __future__ import annotations

import pytest

from backrun.safety import indices


def f_to_c(f: float) -> float:
    return (f - 32) * 5 / 9


def test_vapour_pressure_and_dew_point_round_trip():
    assert indices.saturation_vapour_pressure_hpa(20) == pytest.approx(23.4, abs=0.1)
    assert indices.vapour_pressure_hpa(20, 50) == pytest.approx(11.7, abs=0.1)
    dew_point = indices.dew_point_c(20, 50)
    assert dew_point == pytest.approx(9.3, abs=0.1)
    assert indices.relative_humidity_from_dew_point_pct(20, dew_point) == pytest.approx(50)


def test_dew_point_equals_temperature_when_saturated():
    assert indices.dew_point_c(5, 100) == pytest.approx(5)


def test_dew_point_undefined_for_dry_air():
    assert indices.dew_point_c(20, 0) is None


def test_humidity_from_dew_point_is_capped():
    assert indices.relative_humidity_from_dew_point_pct(10, 10.5) == 100.0


def test_wbgt_screening_formula():
    # 0.567·30 + 0.393·e + 3.94 with e = 0.5 · es(30)
    e = indices.vapour_pressure_hpa(30, 50)
    assert indices.wbgt_screening_c(30, e) == pytest.approx(0.567 * 30 + 0.393 * e + 3.94)
    assert indices.wbgt_screening_c(30, e) == pytest.approx(29.3, abs=0.1)


@pytest.mark.parametrize(
    ("temperature_f", "humidity", "expected_f"),
    [
        (90, 50, 95),  # NWS heat index chart
        (96, 65, 121),
        (104, 40, 119),
        (86, 90, 105),
        (80, 40, 80),
    ],
)
def test_heat_index_matches_nws_chart(temperature_f, humidity, expected_f):
    assert indices.heat_index_c(f_to_c(temperature_f), humidity) == pytest.approx(f_to_c(expected_f), abs=1.0)


def test_heat_index_low_humidity_adjustment_lowers_it():
    t = f_to_c(100)
    plain = indices._rothfusz_f(100, 10)
    assert indices.heat_index_c(t, 10) < f_to_c(plain)


def test_heat_index_high_humidity_adjustment_raises_it():
    t = f_to_c(84)
    plain = indices._rothfusz_f(84, 95)
    assert indices.heat_index_c(t, 95) > f_to_c(plain)


def test_heat_index_below_80f_uses_the_simple_formula():
    t_f = 70
    simple = 0.5 * (t_f + 61 + (t_f - 68) * 1.2 + 50 * 0.094)
    assert indices.heat_index_c(f_to_c(t_f), 50) == pytest.approx(f_to_c((simple + t_f) / 2))


@pytest.mark.parametrize(
    ("temperature", "wind", "expected"),
    [
        (-20, 30, -33),  # Environment Canada wind chill table
        (-10, 20, -18),
        (0, 10, -3),
        (-30, 50, -49),
        (10, 4.8, 9.8),
    ],
)
def test_wind_chill_matches_environment_canada(temperature, wind, expected):
    assert indices.wind_chill_c(temperature, wind) == pytest.approx(expected, abs=0.6)


@pytest.mark.parametrize(("temperature", "wind"), [(10.1, 20), (-5, 4.7), (30, 50)])
def test_wind_chill_undefined_outside_validity(temperature, wind):
    assert indices.wind_chill_c(temperature, wind) is None


def test_gust_estimate_uses_the_gust_factor():
    assert indices.estimated_gust_kmh(20) == pytest.approx(30)


def test_snowfall_water_equivalent():
    assert indices.snowfall_water_mm(0.7) == pytest.approx(1.0)
