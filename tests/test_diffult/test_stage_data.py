"""The stages' data derived from the classifier config (stage_data=
'classifier'): one dataset definition for phi0, the generator and the
filter."""
import pytest
from mmengine.config import Config

from diffult_plugin.diffult.stage_data import (flips_horizontally,
                                               generator_options,
                                               generator_pipeline,
                                               phi0_options, pipeline_of,
                                               real_train_set, with_pipeline)

LOAD = dict(type='LoadImageFromFile')
FLIP = dict(type='RandomFlip', prob=0.5, direction='horizontal')
CROP = dict(type='RandomCrop', crop_size=32, padding=4)
PACK = dict(type='PackInputs')


def _classifier(pipeline, val=True):
    real = dict(type='LongTailDataset', imbalance_factor=None,
                dataset=dict(type='CustomDataset', data_root='/data/x',
                             data_prefix='train', pipeline=pipeline))
    cfg = dict(
        train_dataloader=dict(dataset=dict(type='DiffuLTDataset',
                                           dataset=real, target='max')),
        data_preprocessor=dict(mean=[1, 2, 3], std=[4, 5, 6], to_rgb=True,
                               num_classes='auto'))
    if val:
        cfg['val_dataloader'] = dict(dataset=dict(type='CustomDataset',
                                                  data_prefix='test'))
    return Config(cfg)


def _generator(**evaluator):
    return Config(dict(
        model=dict(type='DiffuLTDiffusion', num_classes='auto',
                   image_size=16, aid=None),
        val_dataloader=dict(dataset=dict(type='ClassLabelDataset',
                                         num_classes='auto')),
        val_evaluator=dict(type='Phi0GeneratorQuality', **evaluator)))


def test_the_real_set_and_its_pipeline_are_found_through_wrappers():
    cfg = _classifier([LOAD, CROP, FLIP, PACK])
    real = real_train_set(cfg)
    assert real['type'] == 'LongTailDataset'
    assert [t['type'] for t in pipeline_of(real)] == [
        'LoadImageFromFile', 'RandomCrop', 'RandomFlip', 'PackInputs']
    replaced = with_pipeline(real, [PACK])
    # Replaced where it is defined (the wrapped CustomDataset), on a copy.
    assert replaced['dataset']['pipeline'] == [PACK]
    assert 'pipeline' not in replaced
    assert len(real['dataset']['pipeline']) == 4


def test_a_classifier_without_a_diffult_proxy_is_refused():
    cfg = Config(dict(train_dataloader=dict(dataset=dict(type='CIFAR10LT'))))
    with pytest.raises(ValueError, match='DiffuLTDataset'):
        real_train_set(cfg)


@pytest.mark.parametrize('pipeline,flips', [
    ([LOAD, FLIP, PACK], True),
    ([LOAD, dict(type='RandomFlip', prob=0.5), PACK], True),  # default dir
    ([LOAD, dict(FLIP, direction='vertical'), PACK], False),
    ([LOAD, dict(FLIP, prob=0.0), PACK], False),
    ([LOAD, CROP, PACK], False),
])
def test_the_generator_flips_only_when_the_classifier_does(pipeline, flips):
    assert flips_horizontally(pipeline) is flips
    types = [t['type'] for t in generator_pipeline(pipeline, 16, flips)]
    assert types == ['LoadImageFromFile', 'Resize'] + (
        ['RandomFlip'] if flips else []) + ['PackInputs']


def test_phi0_takes_the_classifier_data_and_class_count():
    options = phi0_options(_classifier([LOAD, CROP, PACK]), 7)
    assert options['model.head.num_classes'] == 7
    assert options['data_preprocessor.num_classes'] == 7
    assert options['data_preprocessor.mean'] == [1, 2, 3]
    assert options['data_preprocessor.std'] == [4, 5, 6]
    train = options['train_dataloader.dataset']
    # It replaces the stage's own dataset, with the classifier pipeline.
    assert train['_delete_'] is True
    assert train['dataset']['pipeline'][1]['type'] == 'RandomCrop'
    assert options['val_dataloader.dataset']['data_prefix'] == 'test'
    # A stage config merged with the options trains on that data.
    stage = Config(dict(model=dict(head=dict(num_classes='auto')),
                        train_dataloader=dict(batch_size=8,
                                              dataset=dict(type='Old'))))
    stage.merge_from_dict(options)
    assert stage.train_dataloader.dataset.type == 'LongTailDataset'
    assert stage.train_dataloader.batch_size == 8
    assert stage.model.head.num_classes == 7


def test_phi0_without_a_classifier_validation_set_does_not_validate():
    options = phi0_options(_classifier([LOAD, PACK], val=False), 3)
    assert options['val_dataloader'] is None
    assert options['val_cfg'] is None and options['val_evaluator'] is None


def test_the_generator_takes_the_real_set_at_its_resolution():
    options, size = generator_options(
        _classifier([LOAD, CROP, PACK]),
        _generator(real_dataset=None, phi0_config=None), 4)
    assert size == 16
    assert options['model.num_classes'] == 4
    assert options['val_dataloader.dataset.num_classes'] == 4
    pipeline = options['train_dataloader.dataset']['dataset']['pipeline']
    assert pipeline == [LOAD, dict(type='Resize', scale=(16, 16)), PACK]
    # The quality metric reads the raw images at the generator's size.
    assert options['val_evaluator.image_size'] == 16
    assert options['val_evaluator.real_dataset']['dataset']['pipeline'] == [
        PACK]
    assert 'model.aid.real_dataset' not in options
