"""Per-sample meta-information (place, time, attributes) next to the images.

MetaFormer (Diao et al., "MetaFormer: A Unified Meta Framework for
Fine-Grained Recognition", arXiv 2203.02751) fuses meta-information with
vision. Here a dataset wrapper adds to each sample a float vector ``meta``
and a mask ``meta_mask`` (1: present, 0: absent); samples without
meta-information (among them every DiffuLT synthetic sample) carry a zero
mask and a zero vector, never made-up values.
"""
import csv
import math
import os.path as osp
from typing import Optional, Sequence

import numpy as np
from mmpretrain.registry import DATASETS

from .pipeline_of import find_pipeline

#: The data-sample fields that carry meta-information (give them to
#: ``PackInputs(meta_keys=...)``).
META_KEYS = ('meta', 'meta_mask')


def spatiotemporal_meta(latitude: float, longitude: float,
                        month: Optional[float] = None,
                        hour: Optional[float] = None) -> np.ndarray:
    """The 7-d spatio-temporal vector of the MetaFormer code: the location on
    the unit sphere (x, y, z from latitude and longitude in degrees), the
    month (1-12) and the hour (0-24) as sin / cos; an unknown month or hour
    gives zeros in its two entries."""
    lat, lon = math.radians(latitude), math.radians(longitude)
    out = [math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon),
           math.sin(lat)]
    for value, period in ((month, 12.0), (hour, 24.0)):
        if value is None:
            out += [0.0, 0.0]
        else:
            angle = 2 * math.pi * float(value) / period
            out += [math.sin(angle), math.cos(angle)]
    return np.asarray(out, dtype=np.float32)


@DATASETS.register_module()
class WithMetadata:
    """A dataset whose samples get meta-information from a CSV file or from
    pre-computed embeddings.

    The CSV has a header; ``key_column`` names the column that identifies a
    sample (its image path relative to ``image_root``, or its file name),
    ``columns`` the numeric columns that form the vector. Encoded as given,
    or with ``encoding='spatiotemporal'`` from the columns latitude,
    longitude[, month[, hour]] (:func:`spatiotemporal_meta`).

    A ``.npz`` file instead holds pre-computed embeddings (text embeddings of
    captions, for example; nothing is downloaded or computed at run time):
    an array ``keys`` (strings, the sample keys as above) and an array
    ``vectors`` of shape (N, D), or (N, K, D) for K embeddings per sample
    (CUB's ten captions), of which each read takes one at random (as the
    MetaFormer code does) or, with ``multiple='mean'``, their mean.
    ``columns`` and ``encoding`` do not apply to it.

    Args:
        dataset (dict): The wrapped dataset (any with ``img_path`` in its
            data infos).
        meta_file (str): The CSV file.
        columns (Sequence[str]): Columns of the vector.
        key_column (str): Column with the sample key. Defaults to 'image'.
        image_root (str, optional): Keys are image paths relative to it;
            None: keys are file names.
        encoding (str): 'raw' or 'spatiotemporal'. Defaults to 'raw'.
        allow_missing (bool): A sample without a row is masked (True) or an
            error (False, the default).
        multiple (str): 'random' or 'mean', for K embeddings per sample in
            a ``.npz`` file. Defaults to 'random'.
    """

    def __init__(self,
                 dataset,
                 meta_file: str,
                 columns: Sequence[str] = (),
                 key_column: str = 'image',
                 image_root: Optional[str] = None,
                 encoding: str = 'raw',
                 allow_missing: bool = False,
                 multiple: str = 'random'):
        if multiple not in ('random', 'mean'):
            raise ValueError("WithMetadata.multiple must be 'random' or "
                             f"'mean', got {multiple!r}.")
        embeddings = meta_file.endswith('.npz')
        if not embeddings and not columns:
            raise ValueError('WithMetadata.columns: name the CSV columns of '
                             'the meta vector (or give a .npz of '
                             'embeddings).')
        if encoding not in ('raw', 'spatiotemporal'):
            raise ValueError("WithMetadata.encoding must be 'raw' or "
                             f"'spatiotemporal', got {encoding!r}.")
        if encoding == 'spatiotemporal' and not embeddings and \
                not 2 <= len(columns) <= 4:
            raise ValueError(
                "WithMetadata(encoding='spatiotemporal') needs the columns "
                'latitude, longitude[, month[, hour]] in that order, got '
                f'{list(columns)}.')
        self.dataset = DATASETS.build(dataset) if isinstance(
            dataset, dict) else dataset
        self.metainfo = dict(self.dataset.metainfo)
        self.meta_file = meta_file
        self.image_root = image_root
        self.allow_missing = allow_missing
        self.multiple = multiple
        self.rows = self._read_embeddings(meta_file) if embeddings else \
            self._read(meta_file, list(columns), key_column, encoding)
        self.meta_dim = next(iter(self.rows.values())).shape[-1] if \
            self.rows else (7 if encoding == 'spatiotemporal' else
                            len(columns))
        self.pipeline = find_pipeline(self.dataset)
        # Checked now, not at the first batch of a long run.
        for index in range(len(self.dataset)):
            self._meta_of(index)

    @staticmethod
    def _read(path, columns, key_column, encoding) -> dict:
        if not osp.isfile(path):
            raise FileNotFoundError(f'WithMetadata.meta_file: {path} does '
                                    'not exist.')
        rows = {}
        with open(path, newline='') as f:
            reader = csv.DictReader(f)
            missing = [c for c in [key_column] + columns
                       if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError(f'{path}: no column(s) {missing}; it has '
                                 f'{reader.fieldnames}.')
            for number, row in enumerate(reader, 2):
                try:
                    values = [float(row[c]) for c in columns]
                except (TypeError, ValueError):
                    raise ValueError(
                        f'{path}, line {number}: a value of {columns} is '
                        f'not a number ({[row[c] for c in columns]}).')
                if any(math.isnan(v) or math.isinf(v) for v in values):
                    raise ValueError(f'{path}, line {number}: NaN or '
                                     f'infinite value in {columns}.')
                if encoding == 'spatiotemporal':
                    vector = spatiotemporal_meta(*values)
                else:
                    vector = np.asarray(values, dtype=np.float32)
                rows[row[key_column]] = vector
        return rows

    @staticmethod
    def _read_embeddings(path) -> dict:
        if not osp.isfile(path):
            raise FileNotFoundError(f'WithMetadata.meta_file: {path} does '
                                    'not exist.')
        # allow_pickle=False: reading the file runs no code.
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in ('keys', 'vectors') if k not in data]
            if missing:
                raise ValueError(f'{path}: no array(s) {missing}; it has '
                                 f'{sorted(data.files)}.')
            keys, vectors = data['keys'], data['vectors']
        if vectors.ndim not in (2, 3) or len(vectors) != len(keys):
            raise ValueError(
                f'{path}: vectors of shape {vectors.shape} for {len(keys)} '
                'keys; expected (N, D) or (N, K, D) with N keys.')
        if not np.isfinite(vectors).all():
            row = int(np.argwhere(~np.isfinite(vectors))[0][0])
            raise ValueError(f'{path}: NaN or infinite value in the vectors '
                             f'of key {str(keys[row])!r} (row {row}).')
        return {str(k): v.astype(np.float32) for k, v in zip(keys, vectors)}

    def _key(self, info: dict) -> str:
        path = info.get('img_path')
        if path is None:
            raise ValueError('WithMetadata needs img_path in the data infos '
                             'of the wrapped dataset.')
        if self.image_root is None:
            return osp.basename(path)
        return osp.relpath(path, self.image_root)

    def _meta_of(self, index: int):
        key = self._key(self.dataset.get_data_info(index))
        vector = self.rows.get(key)
        if vector is None:
            if not self.allow_missing:
                raise KeyError(
                    f'{self.meta_file} has no row for sample {key!r}; add '
                    'it, or set allow_missing=True to mask such samples.')
            return np.zeros(self.meta_dim, np.float32), 0.0
        if vector.ndim == 2:  # K embeddings of one sample
            vector = vector.mean(0) if self.multiple == 'mean' else \
                vector[np.random.randint(len(vector))]
        return vector, 1.0

    def __len__(self) -> int:
        return len(self.dataset)

    def get_data_info(self, index: int) -> dict:
        info = dict(self.dataset.get_data_info(index))
        info['meta'], info['meta_mask'] = self._meta_of(index)
        return info

    def get_cat_ids(self, index: int):
        return self.dataset.get_cat_ids(index)

    def get_gt_labels(self):
        return self.dataset.get_gt_labels()

    def __getitem__(self, index: int) -> dict:
        info = self.get_data_info(index)
        return self.pipeline(info) if self.pipeline is not None else info
