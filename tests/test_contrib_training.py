"""tf.contrib.training.HParams on TF 2.21: TF 1.15's hparam_test.py, ported.

Every test of TF 1.15's ``tensorflow/contrib/training/python/training/hparam_test.py``, with
its values and messages, except the ``to_proto`` round trips (there is no ``HParamDef``;
that refusal is tested). The bucketing and the train/eval loops: test_contrib_training_bucket.
"""

from __future__ import annotations

import pytest

from tf1_lstm.contrib.training import HParams, parse_values
from tf1_lstm.contrib.training.hparam import HParamDefNotProvided
from tf1_lstm.errors import Tf1LstmError

# --- 1. hparam_test.py ------------------------------------------------------------------------


def test_empty_hparams_parse_nothing_and_refuse_unknown_names():
    """testEmpty."""
    hparams = HParams()
    assert hparams.values() == {}
    hparams.parse("")
    assert hparams.values() == {}
    with pytest.raises(ValueError, match="Unknown hyperparameter"):
        hparams.parse("xyz=123")


def test_contains_tells_hyperparameters():
    """testContains."""
    hparams = HParams(foo=1)
    assert "foo" in hparams
    assert "bar" not in hparams


def test_some_values_parse_with_tf115_coercions_and_messages():
    """testSomeValues (without the to_proto round trip)."""
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d="/a/b=c/d")
    assert hparams.values() == {"aaa": 1, "b": 2.0, "c_c": "relu6", "d": "/a/b=c/d"}
    assert repr(hparams) == ("HParams([('aaa', 1), ('b', 2.0), ('c_c', 'relu6'),"
                             " ('d', '/a/b=c/d')])")
    hparams.parse("aaa=12")
    assert hparams.values() == {"aaa": 12, "b": 2.0, "c_c": "relu6", "d": "/a/b=c/d"}
    hparams.parse("c_c=relu4, b=-2.0e10")
    assert hparams.values() == {"aaa": 12, "b": -2.0e10, "c_c": "relu4", "d": "/a/b=c/d"}
    hparams.parse("c_c=,b=0,")
    assert hparams.values() == {"aaa": 12, "b": 0, "c_c": "", "d": "/a/b=c/d"}
    assert type(hparams.b) is float
    hparams.parse('c_c=2.3",b=+2,')
    assert (hparams.b, hparams.c_c) == (2.0, '2.3"')
    hparams.parse("d=/a/b/c/d,aaa=11,")
    assert (hparams.aaa, hparams.b, hparams.c_c, hparams.d) == (11, 2.0, '2.3"', "/a/b/c/d")
    hparams.parse("b=1.5,d=/a=b/c/d,aaa=10,")
    assert (hparams.aaa, hparams.b, hparams.c_c, hparams.d) == (10, 1.5, '2.3"', "/a=b/c/d")
    for text, message in [("x=123", "Unknown hyperparameter"), ("aaa=poipoi", "Could not parse"),
                          ("aaa=1.0", "Could not parse"), ("b=12x", "Could not parse"),
                          ("b=relu", "Could not parse"), ("aaa=[123]", "Must not pass a list")]:
        with pytest.raises(ValueError, match=message):
            hparams.parse(text)
    assert (hparams.aaa, hparams.b, hparams.c_c, hparams.d) == (10, 1.5, '2.3"', "/a=b/c/d")


def test_parse_failure_message_is_tf115s_word_for_word():
    with pytest.raises(ValueError) as raised:
        HParams(aaa=1).parse("aaa=poipoi")
    assert str(raised.value) == (
        "Could not parse hparam 'aaa' of type 'int' with value 'poipoi' in aaa=poipoi")
    assert isinstance(raised.value, Tf1LstmError)


def test_names_with_periods_parse():
    """testWithPeriodInVariableName."""
    hparams = HParams()
    hparams.add_hparam(name="a.b", value=0.0)
    hparams.parse("a.b=1.0")
    assert getattr(hparams, "a.b") == 1.0
    hparams.add_hparam(name="c.d", value=0.0)
    with pytest.raises(ValueError, match="Could not parse"):
        hparams.parse("c.d=abc")
    hparams.add_hparam(name="e.f", value="")
    hparams.parse("e.f=abc")
    assert getattr(hparams, "e.f") == "abc"
    hparams.add_hparam(name="d..", value=0.0)
    hparams.parse("d..=10.0")
    assert getattr(hparams, "d..") == 10.0


def test_override_from_dict_sets_values_and_lists():
    """testSetFromMap."""
    hparams = HParams(a=1, b=2.0, c="tanh")
    hparams.override_from_dict({"a": -2, "c": "identity"})
    assert hparams.values() == {"a": -2, "c": "identity", "b": 2.0}
    hparams = HParams(x=1, b=2.0, d=[0.5])
    hparams.override_from_dict({"d": [0.1, 0.2, 0.3]})
    assert hparams.values() == {"d": [0.1, 0.2, 0.3], "x": 1, "b": 2.0}


@pytest.mark.parametrize("value", ["true", "false", "True", "False", "1", "0"])
@pytest.mark.parametrize("initial", [False, True])
def test_bool_parsing_reads_tf115s_words(value, initial):
    """testBoolParsing (without the to_proto round trip)."""
    hparams = HParams(use_gpu=initial)
    hparams.parse("use_gpu=" + value)
    assert hparams.use_gpu is (value in ["True", "true", "1"])


def test_bool_parsing_refuses_other_words():
    """testBoolParsingFail."""
    with pytest.raises(ValueError, match=r"Could not parse.*use_gpu"):
        HParams(use_gpu=True).parse("use_gpu=yep")


def test_lists_parse_and_check_element_types():
    """testLists (without the to_proto round trip)."""
    hparams = HParams(aaa=[1], b=[2.0, 3.0], c_c=["relu6"])
    assert hparams.values() == {"aaa": [1], "b": [2.0, 3.0], "c_c": ["relu6"]}
    hparams.parse("aaa=[12]")
    assert hparams.aaa == [12]
    hparams.parse("aaa=[12,34,56]")
    assert hparams.aaa == [12, 34, 56]
    hparams.parse("c_c=[relu4,relu12],b=[1.0]")
    assert (hparams.c_c, hparams.b) == (["relu4", "relu12"], [1.0])
    hparams.parse("c_c=[],aaa=[-34]")
    assert (hparams.aaa, hparams.c_c) == ([-34], [])
    hparams.parse("c_c=[_12,3'4\"],aaa=[+3]")
    assert (hparams.aaa, hparams.c_c) == ([3], ["_12", "3'4\""])
    for text, message in [("x=[123]", "Unknown hyperparameter"),
                          ("aaa=[poipoi]", "Could not parse"), ("aaa=[1.0]", "Could not parse"),
                          ("b=[12x]", "Could not parse"), ("b=[relu]", "Could not parse"),
                          ("aaa=123", "Must pass a list")]:
        with pytest.raises(ValueError, match=message):
            hparams.parse(text)


def test_str_parses_back_into_the_same_values():
    """testStr."""
    hparam1 = HParams(a=1, b=[2.0, 3.0], c="relu6")
    assert str(hparam1) == "a=1,b=[2.0, 3.0],c=relu6"
    hparam2 = HParams()
    hparam2.add_hparam("a", 4)
    hparam2.add_hparam("b", [5.0, 6.0])
    hparam2.add_hparam("c", "relu10")
    hparam2.parse(str(hparam1))
    assert hparam2.values() == hparam1.values()


@pytest.mark.parametrize("ignore_unknown", [False, True])
@pytest.mark.parametrize("text, type_map, unknown, expected", [
    # testParseValuesWithIndexAssigment1..5 and their _IgnoreUnknown twins.
    ("arr[1]=10", {"arr": int}, ",b=5", {"arr": {1: 10}}),
    ("arr[0]=10,arr[5]=20", {"arr": int}, ",foo=bar", {"arr": {0: 10, 5: 20}}),
    ("arr[0]=10,arr[1]=20,L[5]=100,L[10]=200", {"arr": int, "L": int}, ",C=5,B[0]=kkk",
     {"arr": {0: 10, 1: 20}, "L": {5: 100, 10: 200}}),
    ("x=10,arr[1]=20,y=30", {"x": int, "y": int, "arr": int}, ",foo[0]=bar,zzz=78",
     {"x": 10, "arr": {1: 20}, "y": 30}),
    ("a[0]=5,b[1]=true,c[2]=abc,d[3]=3.14", {"a": int, "b": bool, "c": str, "d": float},
     ",cc=4,mm=2", {"a": {0: 5}, "b": {1: True}, "c": {2: "abc"}, "d": {3: 3.14}}),
])
def test_parse_values_reads_index_assignments(text, type_map, unknown, expected,
                                              ignore_unknown):
    if ignore_unknown:
        text += unknown
    assert parse_values(text, type_map, ignore_unknown=ignore_unknown) == expected


def test_parse_values_refuses_bad_index_assignments():
    """testParseValuesWithBadIndexAssigment1..3 and _IgnoreUnknown."""
    with pytest.raises(ValueError, match=r"Assignment of a list to a list index."):
        parse_values("arr[1]=[1,2,3]", {"arr": int})
    with pytest.raises(ValueError, match=r"Assignment of a list to a list index."):
        parse_values("arr[1]=[1,2,3],c=8", {"arr": int}, ignore_unknown=True)
    with pytest.raises(ValueError, match=r"Unknown hyperparameter type for arr"):
        parse_values("arr[1]=5", {})
    with pytest.raises(ValueError, match="Unknown hyperparameter type for arr"):
        parse_values("arr[1]=1", {"arr[1]": int})
    assert parse_values("arr[1]=5", {}, ignore_unknown=True) == {}
    assert parse_values("arr[1]=1", {"arr[1]": int}, ignore_unknown=True) == {}


@pytest.mark.parametrize("text, name", [
    ("x=1,x=1", "x"), ("arr=[100,200],arr[0]=10", "arr"), ("arr[0]=10,arr[0]=20", "arr[0]"),
    ("arr[0]=10,arr=[100]", "arr"),
])
def test_parse_values_refuses_reused_names(text, name):
    """testWithReusedVariables."""
    with pytest.raises(ValueError, match=rf"Multiple assignments to variable '{re_escape(name)}'"):
        parse_values(text, {"x": int, "arr": int})


def re_escape(text: str) -> str:
    return text.replace("[", r"\[").replace("]", r"\]")


def test_parse_of_an_index_assignment_is_refused_as_tf115_did():
    """TF 1.15 quirk: HParams.parse hands parse_values' {index: value} to set_hparam."""
    with pytest.raises(ValueError, match="Must pass a list for multi-valued parameter: arr"):
        HParams(arr=[1, 2]).parse("arr[1]=5")


def test_json_round_trip_and_formatting():
    """testJson."""
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d=True)
    hparams.parse_json('{"aaa": 12, "b": 3.0, "c_c": "relu4", "d": false}')
    assert hparams.values() == {"aaa": 12, "b": 3.0, "c_c": "relu4", "d": False}
    hparams2 = HParams(aaa=10, b=20.0, c_c="hello", d=False)
    hparams2.parse_json(hparams.to_json())
    assert hparams2.values() == {"aaa": 12, "b": 3.0, "c_c": "relu4", "d": False}
    hparams3 = HParams(aaa=123)
    assert hparams3.to_json() == '{"aaa": 123}'
    assert hparams3.to_json(indent=2) == '{\n  "aaa": 123\n}'
    assert hparams3.to_json(separators=(";", "=")) == '{"aaa"=123}'
    hparams4 = HParams(aaa=123, b="hello", c_c=False)
    assert hparams4.to_json(sort_keys=True) == '{"aaa": 123, "b": "hello", "c_c": false}'


def test_set_hparam_sets_values_of_the_same_type():
    """testSetHParam."""
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d=True)
    hparams.set_hparam("aaa", 12)
    hparams.set_hparam("b", 3.0)
    hparams.set_hparam("c_c", "relu4")
    hparams.set_hparam("d", False)
    assert hparams.values() == {"aaa": 12, "b": 3.0, "c_c": "relu4", "d": False}


def test_set_hparam_refuses_list_mismatches():
    """testSetHParamListNonListMismatch."""
    hparams = HParams(a=1, b=[2.0, 3.0])
    with pytest.raises(ValueError, match=r"Must not pass a list"):
        hparams.set_hparam("a", [1.0])
    with pytest.raises(ValueError, match=r"Must pass a list"):
        hparams.set_hparam("b", 1.0)


@pytest.mark.parametrize("name, value", [
    ("str_", 2.2), ("int_", False), ("bool_", 1), ("bool_", "true"), ("bool_", "True"),
    ("bool_", "false"), ("bool_", "False"), ("bool_", "0"), ("bool_", "1"), ("int_", 2.2),
    ("list_int", [2, 3.3]), ("int_", "2"),
])
def test_set_hparam_refuses_type_mismatches(name, value):
    """testSetHParamTypeMismatch."""
    hparams = HParams(int_=1, str_="str", bool_=True, float_=1.1, list_int=[1, 2], none=None)
    with pytest.raises(ValueError, match="Could not cast hparam"):
        hparams.set_hparam(name, value)


def test_set_hparam_casts_int_to_float_and_none_takes_anything():
    """testSetHParamTypeMismatch's allowed cases, and testSetHParamExactTypeMatch."""
    hparams = HParams(float_=1.1, none=None)
    hparams.set_hparam("float_", 1)
    assert type(hparams.float_) is float
    hparams.set_hparam("none", "1")  # "Getting stuck with NoneType :(" (TF 1.15's comment)
    assert hparams.none == "1"

    class DummyContext:
        def __init__(self, a, b=0):
            self.a, self.b = a, b

    hparams = HParams(x=DummyContext(a=100, b=100))
    new_value = DummyContext(a=100, b=100)
    hparams.set_hparam("x", new_value)
    assert hparams.x is new_value


def test_get_checks_defaults_against_the_type():
    """testGet."""
    hparams = HParams(aaa=1, b=2.0, c_c="relu6", d=True, e=[5.0, 6.0])
    assert [hparams.get(n) for n in ("aaa", "b", "c_c", "d", "e")] == [
        1, 2.0, "relu6", True, [5.0, 6.0]]
    assert hparams.get("aaa", 2) == 1
    assert hparams.get("b", 3.0) == hparams.get("b", 3) == 2.0
    assert hparams.get("c_c", "default") == "relu6"
    assert hparams.get("d", True) is True
    assert hparams.get("e", [1.0, 2.0, 3.0]) == hparams.get("e", [1, 2, 3]) == [5.0, 6.0]
    for key, default in [("aaa", 2.0), ("b", False), ("c_c", [1, 2, 3]), ("d", "relu"),
                         ("e", 123.0), ("e", ["a", "b", "c"])]:
        with pytest.raises(ValueError, match=f"Hparam '{key}' of type"):
            hparams.get(key, default)
    assert hparams.get("unknown") is None
    assert hparams.get("unknown", 123) == 123
    assert hparams.get("unknown", [1, 2, 3]) == [1, 2, 3]


def test_del_hparam_lets_a_name_be_added_again_with_another_type():
    """testDel."""
    hparams = HParams(aaa=1, b=2.0)
    with pytest.raises(ValueError):
        hparams.set_hparam("aaa", "will fail")
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: aaa"):
        hparams.add_hparam("aaa", "will fail")
    hparams.del_hparam("aaa")
    hparams.add_hparam("aaa", "will work")
    assert hparams.get("aaa") == "will work"
    hparams.set_hparam("aaa", "still works")
    assert hparams.get("aaa") == "still works"


def test_method_names_are_reserved_and_empty_lists_refused():
    with pytest.raises(ValueError, match="Hyperparameter name is reserved: values"):
        HParams(values=1)
    with pytest.raises(ValueError, match="Multi-valued hyperparameters cannot be empty: x"):
        HParams(x=[])


def test_set_hparam_of_an_unknown_name_is_a_key_error_naming_it():
    with pytest.raises(KeyError, match="zz"):
        HParams(a=1).override_from_dict({"zz": 1})


def test_model_structure_is_kept():
    hparams = HParams(model_structure="structure", a=1)
    assert hparams.get_model_structure() == "structure"
    hparams.set_model_structure("other")
    assert hparams.get_model_structure() == "other"
    assert "model_structure" not in hparams


@pytest.mark.parametrize("call", [lambda: HParams(hparam_def=1),
                                  lambda: HParams(a=1).to_proto(),
                                  lambda: HParams.from_proto(object())])
def test_the_hparamdef_proto_is_refused_naming_the_json_round_trip(call):
    """testNonProtoFails, and to_proto/from_proto: no hparam_pb2 on TF 2.21."""
    with pytest.raises(HParamDefNotProvided, match="to_json"):
        call()
