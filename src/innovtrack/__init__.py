"""innovtrack: the ledger and reports of the 百项创新攻坚工程 (Qinghai, 2016 and after)."""

__version__ = "0.1.0"
