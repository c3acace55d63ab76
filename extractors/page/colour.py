"""Colours as pdfplumber reports them, read one way.

pdfplumber passes on whatever the content stream set, so a colour may be:

- a gray level ``(g,)``, RGB ``(r, g, b)`` or CMYK ``(c, m, y, k)``, each in 0..1;
- a pattern name (``'P0'``: a gradient or hatch fill, which Office exports use all the
  time), alone or after an uncoloured pattern's base components (``(0.2, 'P3')``);
- a Separation tint ``(t,)`` (1 = full ink, unlike gray), DeviceN tints of any
  length, an Indexed palette number, or ``None`` (nothing set).

The stages ask two questions only: which RGB is it (to tell text styles apart, to see a
coloured heading) and is it white (a background that bounds nothing). ``to_rgb`` answers
the first with ``None`` whenever the value does not say a colour for certain.
"""

from __future__ import annotations

from numbers import Real

RGB = tuple[float, float, float]

# Colour-space names (pdfplumber's char ``ncs``) whose single component is not gray.
TINT_SPACES = {"Separation", "DeviceN", "Indexed"}
# Rounded so that the same colour written twice compares equal.
DIGITS = 3


def _components(value) -> list[float] | None:
    """The numeric components of a colour; None when it names a pattern without them."""
    values = value if isinstance(value, (list, tuple)) else (value,)
    numbers = [float(v) for v in values if isinstance(v, Real) and not isinstance(v, bool)]
    named = len(numbers) != len(values)
    if named and not numbers:
        return None  # a coloured pattern: its look is in the pattern, not the value
    return numbers


# Every char of every text line asks for its colour, a table's chars three or four times
# over, while a page sets a handful of colours. Answers are kept by the value and the
# types of its components (``True == 1``, but a bool is no component); a zero's sign is
# not told apart, nor need it be: a colour is compared, never printed.
_CACHE_LIMIT = 4096
_rgb_of: dict[tuple, RGB | None] = {}


def to_rgb(value, space: str | None = None) -> RGB | None:
    """The colour as RGB in 0..1, or None when pdfplumber's value does not say one."""
    if value is None:
        return None
    if type(value) is not tuple:  # a list may change under us: not kept
        return _to_rgb(value, space)
    key = (space, value, tuple(map(type, value)))
    try:
        return _rgb_of[key]
    except KeyError:
        rgb = _to_rgb(value, space)
    except TypeError:  # a component that cannot be a key
        return _to_rgb(value, space)
    if len(_rgb_of) >= _CACHE_LIMIT:
        _rgb_of.clear()
    _rgb_of[key] = rgb
    return rgb


def _to_rgb(value, space: str | None) -> RGB | None:
    numbers = _components(value)
    if not numbers or any(not 0.0 <= v <= 1.0 for v in numbers):
        return None  # a pattern, or an Indexed palette number (no palette at hand)
    if space in TINT_SPACES:
        return None  # a tint of an ink we do not know
    if len(numbers) == 1:
        rgb = (numbers[0],) * 3
    elif len(numbers) == 3:
        rgb = (numbers[0], numbers[1], numbers[2])
    elif len(numbers) == 4:  # CMYK, without a colour profile
        c, m, y, k = numbers
        rgb = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        return None  # DeviceN with an unusual number of inks
    return tuple(round(v, DIGITS) for v in rgb)  # type: ignore[return-value]


def char_rgb(char: dict) -> RGB | None:
    """The fill colour a char is set in."""
    return to_rgb(char.get("non_stroking_color"), char.get("ncs"))


def is_white(rgb: RGB | None, threshold: float = 0.98) -> bool:
    return rgb is not None and min(rgb) >= threshold


def is_coloured(rgb: RGB | None, chroma: float = 0.1) -> bool:
    """Not black, white or grey: its channels differ."""
    return rgb is not None and max(rgb) - min(rgb) > chroma
