"""The source documents' constants and terms (the bottom layer: imports nothing of the package).

One module a topic; every name is re-exported here, so ``from crm_helpers import _catalogue as
cat; cat.CATEGORIES`` works whichever module holds it:

- :mod:`.retail`: the simulated retailer (products, brands, cities, names, calendar);
- :mod:`.overview`: chapters 01-03 (overview, identification, communication);
- :mod:`.satisfaction`: chapters 04-05 (satisfaction, six hearts, segmentation);
- :mod:`.loyalty`: chapters 06-07 (loyalty programme, privacy, service, tier rules);
- :mod:`.implementation`: chapter 08 (implementation and change);
- :mod:`.plan`: chapter 09 (the plan-design brief).

New constants go to the module of their topic (or here, if none fits).

>>> from crm_helpers import _catalogue as cat
>>> cat.TIER_RULES["tier"][0], cat.CATEGORIES is cat.retail.CATEGORIES
('basic', True)
"""

from __future__ import annotations

from . import implementation, loyalty, overview, plan, retail, satisfaction
from .implementation import *  # noqa: F403
from .loyalty import *  # noqa: F403
from .overview import *  # noqa: F403
from .plan import *  # noqa: F403
from .retail import *  # noqa: F403
from .satisfaction import *  # noqa: F403

__all__ = [
    *retail.__all__,
    *overview.__all__,
    *satisfaction.__all__,
    *loyalty.__all__,
    *implementation.__all__,
    *plan.__all__,
]
