"""The synthetic bank: its format, a reader and a builder."""
from .builder import BankBuilder
from .donors import DonorBanks
from .format import (BANK_FORMAT, FINGERPRINT, INDEX, MANIFEST, SHARDS,
                     BankMismatchError, check_fingerprint, fingerprint_digest,
                     fingerprint_difference, shard_name, verify_shard)
from .reader import SyntheticBank

__all__ = [
    'BankBuilder', 'DonorBanks', 'SyntheticBank', 'BankMismatchError',
    'BANK_FORMAT', 'FINGERPRINT', 'INDEX', 'MANIFEST', 'SHARDS',
    'check_fingerprint', 'fingerprint_digest', 'fingerprint_difference',
    'shard_name', 'verify_shard'
]
