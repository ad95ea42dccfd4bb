"""num_classes='auto' from the training set; a mismatch stops the run."""
import os.path as osp

import pytest
from mmengine.config import Config

from diffult_plugin.datasets import resolve_num_classes
from tests.fixtures import make_image_folder


def _cfg(root, head=3, preprocessor='auto', val=None):
    train = dict(type='LongTailDataset', imbalance_factor=None,
                 dataset=dict(type='CustomDataset', data_root=root,
                              data_prefix='', pipeline=[]))
    cfg = dict(
        model=dict(type='ImageClassifier',
                   backbone=dict(type='TimmBackbone', num_classes=0),
                   head=dict(type='LinearClsHead', num_classes=head)),
        data_preprocessor=dict(num_classes=preprocessor),
        train_dataloader=dict(dataset=dict(type='DiffuLTDataset',
                                           dataset=train)))
    if val is not None:
        cfg['val_dataloader'] = dict(dataset=val)
    return Config(cfg)


@pytest.fixture
def folder(tmp_path):
    return make_image_folder(str(tmp_path), ('x', 'y', 'z'), (5, 2, 1),
                             size=8)


def test_auto_takes_the_training_set_count(folder):
    cfg = _cfg(folder, head='auto',
               val=dict(type='ClassLabelDataset', num_classes='auto'))
    assert resolve_num_classes(cfg) == 3
    assert cfg.model.head.num_classes == 3
    assert cfg.data_preprocessor.num_classes == 3
    assert cfg.val_dataloader.dataset.num_classes == 3
    # A backbone's own num_classes (timm's 0: no head) is not the data's.
    assert cfg.model.backbone.num_classes == 0


def test_a_wrong_count_names_the_key_and_the_fix(folder):
    with pytest.raises(ValueError) as error:
        resolve_num_classes(_cfg(folder, head=10))
    message = str(error.value)
    assert 'the training set has 3 classes' in message
    assert 'model.head.num_classes=10' in message
    assert "'auto'" in message


def test_a_right_count_passes(folder):
    cfg = _cfg(folder, head=3, preprocessor=3)
    assert resolve_num_classes(cfg) == 3
    assert cfg.model.head.num_classes == 3


def test_configs_without_a_training_set_are_left_alone():
    cfg = Config(dict(model=dict(head=dict(num_classes='auto'))))
    assert resolve_num_classes(cfg) == -1
    assert cfg.model.head.num_classes == 'auto'
