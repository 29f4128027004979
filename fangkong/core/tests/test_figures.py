from fangkong.core.figures import percent


def test_a_percentage_is_rounded_down_so_nearly_all_is_not_all():
    assert percent(996, 1000) == 99
    assert percent(2, 3) == 66


def test_a_percentage_of_nothing_is_none_not_zero():
    assert percent(0, 0) is None
    assert percent(0, 5) == 0
