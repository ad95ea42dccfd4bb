"""iNaturalist 2017 / 2018 / 2021 from the official annotation files, with
each observation's place and date as meta-information."""
import json
import os.path as osp
import re
from typing import Optional, Tuple

import numpy as np
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .long_tail_protocol import class_counts_of
from .metadata import spatiotemporal_meta

#: Annotation file names of each release, per split: the COCO-style image
#: list and, for 2017 / 2018, the separate location file.
INAT_FILES = {
    '2017': dict(train=('train2017.json', 'train2017_locations.json'),
                 val=('val2017.json', 'val2017_locations.json')),
    '2018': dict(train=('train2018.json', 'train2018_locations.json'),
                 val=('val2018.json', 'val2018_locations.json')),
    '2021': dict(train=('train.json', None), val=('val.json', None)),
    '2021_mini': dict(train=('train_mini.json', None),
                      val=('val.json', None)),
}

_DATE = re.compile(r'\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?')


def parse_month_hour(date: Optional[str],
                     with_hour: bool = True) -> Tuple[Optional[int],
                                                      Optional[int]]:
    """(month, hour) of an iNaturalist date ('2017-05-23 21:43:00',
    '2013-05-12', ...); None for what the string does not hold."""
    if not date:
        return None, None
    match = _DATE.match(str(date))
    if not match:
        return None, None
    month = int(match.group(2))
    hour = int(match.group(4)) if with_hour and match.group(4) else None
    return (month if 1 <= month <= 12 else None,
            hour if hour is not None and 0 <= hour < 24 else None)


def observation_meta(latitude, longitude, date,
                     with_hour: bool = True) -> Tuple[np.ndarray, float]:
    """The 7-d spatio-temporal vector of one observation and its mask.

    A missing location gives zeros in the three spatial entries, a missing
    month or hour zeros in its two (as the MetaFormer code does); an
    observation with neither place nor date has mask 0 and a zero vector.
    (The MetaFormer code reads latitude 0 or longitude 0 as missing; here
    only an absent value is.)"""
    month, hour = parse_month_hour(date, with_hour)
    has_place = latitude is not None and longitude is not None
    if not has_place and month is None:
        return np.zeros(7, np.float32), 0.0
    if has_place:
        vector = spatiotemporal_meta(float(latitude), float(longitude),
                                     month, hour)
    else:
        vector = spatiotemporal_meta(0.0, 0.0, month, hour)
        vector[:3] = 0.0
    return vector, 1.0


@DATASETS.register_module()
class INaturalistMeta(BaseDataset):
    """iNaturalist from its official JSON files, with place and date.

    The image lists (``train2018.json`` ...: COCO-style ``images``,
    ``annotations``, ``categories``) give path and class; the location
    files of 2017 / 2018 (``train2018_locations.json``: ``id``, ``lat``,
    ``lon``, ``date``) and the image entries of 2021 (``latitude``,
    ``longitude``, ``date``) give each sample ``meta`` (the 7-d vector of
    :func:`observation_meta`) and ``meta_mask``, as MetaFormer (Diao et al.,
    arXiv 2203.02751, ``data/dataset_fg.py``) reads them. Classes are the
    category ids in ascending order (for 2018 the ids themselves, as in the
    ``iNaturalist18_*.txt`` lists of the long-tail literature); the 2017
    dates carry no hour that MetaFormer uses, so 2017 gets none.

    Args:
        data_root (str): The release's folder (annotation files and image
            folders as published).
        version (str): '2017', '2018', '2021' or '2021_mini'.
        split (str): 'train' or 'val'.
        **kwargs: Other :class:`mmpretrain.datasets.BaseDataset` arguments
            (pipeline, test_mode ...).
    """

    def __init__(self, data_root: str, version: str = '2018',
                 split: str = 'train', **kwargs):
        if version not in INAT_FILES:
            raise ValueError(f'INaturalistMeta.version must be one of '
                             f'{sorted(INAT_FILES)}, got {version!r}.')
        if split not in ('train', 'val'):
            raise ValueError("INaturalistMeta.split must be 'train' or "
                             f"'val', got {split!r}.")
        self.version, self.split = version, split
        images_file, locations_file = INAT_FILES[version][split]
        self.locations_file = locations_file and osp.join(data_root,
                                                          locations_file)
        self.train_file = osp.join(data_root, INAT_FILES[version]['train'][0])
        # BaseDataset joins ann_file to data_root.
        super().__init__(ann_file=images_file, data_root=data_root,
                         **kwargs)

    @staticmethod
    def _read_json(path: str, setting: str):
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'INaturalistMeta: {setting} {path} does not exist; put the '
                'official annotation files of the release in data_root '
                f'(names: {INAT_FILES}).')
        with open(path) as f:
            try:
                return json.load(f)
            except json.JSONDecodeError as error:
                raise ValueError(f'{path} is not valid JSON: {error}.')

    def _categories(self, annotation: dict) -> list:
        try:
            return sorted(annotation['categories'], key=lambda c: c['id'])
        except KeyError:
            raise ValueError(f'{self.ann_file} has no categories with ids; '
                             'is it an iNaturalist image list?')

    def load_data_list(self):
        annotation = self._read_json(self.ann_file, 'the image list')
        categories = self._categories(annotation)
        label_of = {c['id']: index for index, c in enumerate(categories)}
        self._metainfo['classes'] = tuple(
            str(c.get('name', c['id'])) for c in categories)
        places = {}
        if self.locations_file is not None:
            for row in self._read_json(self.locations_file,
                                       'the location file'):
                places[row['id']] = (row.get('lat'), row.get('lon'),
                                     row.get('date'))
        labels = {a['image_id']: a['category_id']
                  for a in annotation.get('annotations', [])}
        with_hour = self.version != '2017'
        data_list = []
        for image in annotation['images']:
            if image['id'] not in labels:
                raise ValueError(f'{self.ann_file}: image {image["id"]} '
                                 f'({image.get("file_name")}) has no '
                                 'annotation.')
            category = labels[image['id']]
            if category not in label_of:
                raise ValueError(f'{self.ann_file}: image {image["id"]} has '
                                 f'category {category}, which is not among '
                                 'its categories.')
            if self.locations_file is not None:
                place = places.get(image['id'], (None, None, None))
            else:
                place = (image.get('latitude'), image.get('longitude'),
                         image.get('date'))
            meta, mask = observation_meta(*place, with_hour=with_hour)
            data_list.append(dict(
                img_path=osp.join(self.data_root, image['file_name']),
                gt_label=label_of[category], meta=meta, meta_mask=mask))
        counts = class_counts_of([d['gt_label'] for d in data_list],
                                 len(categories))
        self._metainfo['class_counts'] = counts
        train_counts = counts
        if self.split != 'train':
            train = self._read_json(self.train_file, 'the training list')
            train_labels = [label_of.get(a['category_id'], -1)
                            for a in train.get('annotations', [])]
            if min(train_labels, default=0) < 0:
                raise ValueError(f'{self.train_file} has categories that '
                                 f'{self.ann_file} does not list.')
            train_counts = class_counts_of(train_labels, len(categories))
        self._metainfo['train_class_counts'] = train_counts
        return data_list
