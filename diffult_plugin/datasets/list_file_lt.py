"""Long-tail benchmarks published as list files: ImageNet-LT, Places-LT,
iNaturalist 2018."""
import os.path as osp
from typing import Optional

from mmengine.fileio import list_from_file
from mmpretrain.datasets import CustomDataset
from mmpretrain.datasets.categories import IMAGENET_CATEGORIES
from mmpretrain.registry import DATASETS

from .long_tail_protocol import class_counts_of


class LongTailListDataset(CustomDataset):
    """A dataset read from a ``path label`` list file, with class counts.

    Args:
        data_root (str): Image root; the list's paths are relative to it
            (plus ``data_prefix``).
        ann_file (str): The split's list file (relative to ``data_root`` or
            absolute), one ``relative/path.jpg label`` per line.
        train_ann_file (str, optional): The training list file. Give it for
            validation / test splits so that ``metainfo['train_class_counts']``
            (used by the long-tail metrics) holds the training counts.
            Defaults to None (use this split's counts).
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CustomDataset`.
    """
    num_classes: int = 0
    split_files: dict = {}

    def __init__(self,
                 data_root: str = '',
                 ann_file: str = '',
                 train_ann_file: Optional[str] = None,
                 **kwargs):
        if not ann_file:
            raise ValueError(
                f'{type(self).__name__}: set `ann_file` to one of the '
                f'published list files {sorted(self.split_files.values())}.')
        self.train_ann_file = train_ann_file
        kwargs.setdefault('metainfo', {})
        kwargs['metainfo'].setdefault('classes', self._default_classes())
        super().__init__(data_root=data_root, ann_file=ann_file, **kwargs)

    @classmethod
    def _default_classes(cls):
        return tuple(str(i) for i in range(cls.num_classes))

    def _resolve(self, path: str) -> str:
        if osp.isabs(path) or not self.data_root:
            return path
        return osp.join(self.data_root, path)

    def _check_exists(self, path: str, setting: str):
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'{type(self).__name__}: {setting} {path} does not exist. '
                'Download the published list files and set `data_root` / '
                f'`{setting}` (expected names: '
                f'{sorted(self.split_files.values())}).')

    def load_data_list(self):
        self._check_exists(self.ann_file, 'ann_file')
        data_list = super().load_data_list()
        num_classes = len(self._metainfo['classes'])
        labels = [info['gt_label'] for info in data_list]
        counts = class_counts_of(labels, num_classes)
        train_counts = counts
        if self.train_ann_file:
            train_file = self._resolve(self.train_ann_file)
            self._check_exists(train_file, 'train_ann_file')
            train_labels = [
                int(line.strip().rsplit(' ', 1)[1])
                for line in list_from_file(train_file) if line.strip()
            ]
            train_counts = class_counts_of(train_labels, num_classes)
        self._metainfo['class_counts'] = counts
        self._metainfo['train_class_counts'] = train_counts
        return data_list


@DATASETS.register_module()
class ImageNetLT(LongTailListDataset):
    """ImageNet-LT (Liu et al., "Large-Scale Long-Tailed Recognition in an Open
    World", CVPR 2019, https://arxiv.org/abs/1904.05160).

    1,000 classes, 115.8k training images (1,280 -> 5 per class), through the
    published ``ImageNet_LT_{train,val,test}.txt`` lists over ImageNet-2012.

    Args:
        data_root (str): ImageNet root (the lists' paths start at it).
        ann_file (str): List file of the split.
        train_ann_file (str, optional): Training list, for val / test splits.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CustomDataset`.
    """
    num_classes = 1000
    split_files = dict(
        train='ImageNet_LT_train.txt',
        val='ImageNet_LT_val.txt',
        test='ImageNet_LT_test.txt')

    @classmethod
    def _default_classes(cls):
        return IMAGENET_CATEGORIES


@DATASETS.register_module()
class PlacesLT(LongTailListDataset):
    """Places-LT (Liu et al., CVPR 2019, https://arxiv.org/abs/1904.05160).

    365 classes, 62.5k training images (4,980 -> 5 per class), through the
    published ``Places_LT_{train,val,test}.txt`` lists over Places-365.

    Args:
        data_root (str): Places-365 root (the lists' paths start at it).
        ann_file (str): List file of the split.
        train_ann_file (str, optional): Training list, for val / test splits.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CustomDataset`.
    """
    num_classes = 365
    split_files = dict(
        train='Places_LT_train.txt',
        val='Places_LT_val.txt',
        test='Places_LT_test.txt')


@DATASETS.register_module()
class INaturalist2018(LongTailListDataset):
    """iNaturalist 2018 (Van Horn et al., "The iNaturalist Species
    Classification and Detection Dataset", CVPR 2018,
    https://arxiv.org/abs/1707.06642), naturally long-tailed.

    8,142 classes, 437.5k training images, through the ``iNaturalist18_
    {train,val}.txt`` lists used by the long-tail literature.

    Args:
        data_root (str): iNaturalist 2018 root (the lists' paths start at it).
        ann_file (str): List file of the split.
        train_ann_file (str, optional): Training list, for the val split.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.CustomDataset`.
    """
    num_classes = 8142
    split_files = dict(
        train='iNaturalist18_train.txt', val='iNaturalist18_val.txt')
