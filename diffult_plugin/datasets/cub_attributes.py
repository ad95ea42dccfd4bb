"""CUB-200-2011 with its per-image attribute annotations as
meta-information."""
import os.path as osp

import numpy as np
from mmengine.fileio import list_from_file
from mmpretrain.datasets import CUB
from mmpretrain.registry import DATASETS

#: Attributes annotated per image in CUB-200-2011.
CUB_NUM_ATTRIBUTES = 312


@DATASETS.register_module()
class CUBAttributes(CUB):
    """mmpretrain's ``CUB`` whose samples carry the image's 312 binary
    attributes (``attributes/image_attribute_labels.txt``: image id,
    attribute id, is_present, certainty, time; a few lines of the published
    file have a sixth field) as ``meta``, with ``meta_mask`` 1, as
    MetaFormer reads them (Diao et al., arXiv 2203.02751,
    ``find_images_and_targets_cub200_attribute``).

    Args:
        data_root (str): The ``CUB_200_2011`` folder.
        split (str): 'train' or 'test'.
        attribute_file (str): Relative to ``data_root``. Defaults to the
            published path.
        **kwargs: Other ``CUB`` arguments.
    """

    def __init__(self, data_root: str, split: str = 'train',
                 attribute_file: str = 'attributes/image_attribute_labels.txt',
                 **kwargs):
        self.attribute_file = osp.join(data_root, attribute_file)
        super().__init__(data_root=data_root, split=split, **kwargs)

    def _attributes(self) -> dict:
        if not osp.isfile(self.attribute_file):
            raise FileNotFoundError(
                f'CUBAttributes.attribute_file: {self.attribute_file} does '
                'not exist (it comes with CUB_200_2011 as '
                'attributes/image_attribute_labels.txt).')
        vectors = {}
        for number, line in enumerate(list_from_file(self.attribute_file),
                                      1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) not in (5, 6):
                raise ValueError(
                    f'{self.attribute_file}, line {number}: expected 5 '
                    f'fields (image attribute is_present certainty time), '
                    f'got {len(fields)}.')
            try:
                image, attribute, present = (int(v) for v in fields[:3])
            except ValueError:
                raise ValueError(f'{self.attribute_file}, line {number}: '
                                 f'ids are not integers ({line!r}).')
            if not 1 <= attribute <= CUB_NUM_ATTRIBUTES or present not in \
                    (0, 1):
                raise ValueError(
                    f'{self.attribute_file}, line {number}: attribute '
                    f'{attribute} (1..{CUB_NUM_ATTRIBUTES}) / is_present '
                    f'{present} (0 or 1) out of range.')
            vector = vectors.setdefault(
                image, np.zeros(CUB_NUM_ATTRIBUTES, np.float32))
            vector[attribute - 1] = present
        return vectors

    def load_data_list(self):
        data_list = super().load_data_list()
        # CUB's data infos keep no image id: find it from the path.
        id_of = {
            self.backend.join_path(self.img_prefix, name): index + 1
            for index, name in self._load_data_from_txt(
                self.ann_file).items()
        }
        attributes = self._attributes()
        for info in data_list:
            image = id_of[info['img_path']]
            if image not in attributes:
                raise KeyError(f'{self.attribute_file} has no row for image '
                               f'{image} ({info["img_path"]}).')
            info['meta'] = attributes[image]
            info['meta_mask'] = 1.0
        return data_list
