"""The stages' data from the classifier's: define a dataset once.

With ``DiffuLTPipeline(stage_data='classifier')`` the phi0 and generator
stage configs carry a model and a schedule only; their data is derived here
from the classifier config that runs the pipeline:

- phi0 trains on the classifier's real long-tailed set, with the
  classifier's pipeline, normalisation and validation set (phi0 is "a CE
  classifier on the long-tailed set", DiffuLT Sec. 3.3);
- the generator trains on the same set with a generator pipeline derived
  from the classifier's: its image loading, a resize to the generator's
  resolution, a horizontal flip only if the classifier flips (datasets
  with mirror-image classes must not flip anywhere), packing;
- the number of classes of every stage is the dataset's.

So the data, the class count and whether flips are allowed are written
once, in the classifier config.
"""
import copy
from typing import List, Optional, Tuple

#: Transforms that make the stored image (kept for the generator); every
#: other transform of the classifier pipeline is an augmentation.
LOADING = ('LoadImageFromFile', 'mmpretrain.LoadImageFromFile',
           'mmcv.LoadImageFromFile')
#: How the stages take their data (``DiffuLTPipeline.stage_data``).
STAGE_DATA = ('own', 'classifier')


def _get(cfg, key, default=None):
    try:
        return cfg.get(key, default)
    except AttributeError:
        return default


def real_train_set(classifier_cfg) -> dict:
    """The real long-tailed set inside the classifier's
    ``DiffuLTDataset`` (the ``dataset`` it wraps)."""
    data = _get(_get(classifier_cfg, 'train_dataloader', {}), 'dataset')
    while isinstance(data, dict):
        if data.get('type') == 'DiffuLTDataset':
            return copy.deepcopy(dict(data['dataset']))
        data = data.get('dataset')
    raise ValueError(
        "stage_data='classifier' needs a classifier config whose "
        "train_dataloader.dataset is (or wraps) a DiffuLTDataset: the "
        'stages take its real long-tailed set.')


def _pipeline_holder(dataset_cfg: dict) -> Optional[dict]:
    """The (nested) dataset config that holds the pipeline."""
    data = dataset_cfg
    while isinstance(data, dict):
        if data.get('pipeline') is not None:
            return data
        data = data.get('dataset')
    return None


def pipeline_of(dataset_cfg: dict) -> List[dict]:
    """The pipeline of a dataset config or of the one it wraps."""
    holder = _pipeline_holder(dataset_cfg)
    return [dict(t) for t in holder['pipeline']] if holder else []


def with_pipeline(dataset_cfg: dict, pipeline: List[dict]) -> dict:
    """A copy of ``dataset_cfg`` whose pipeline (where it is defined, in the
    config or in the dataset it wraps) is ``pipeline``."""
    dataset_cfg = copy.deepcopy(dict(dataset_cfg))
    holder = _pipeline_holder(dataset_cfg) or dataset_cfg
    holder['pipeline'] = [dict(t) for t in pipeline]
    return dataset_cfg


def flips_horizontally(pipeline: List[dict]) -> bool:
    """Whether the pipeline applies a horizontal ``RandomFlip``."""
    for t in pipeline:
        if str(t.get('type', '')).endswith('RandomFlip'):
            direction = t.get('direction', 'horizontal')
            directions = [direction] if isinstance(direction,
                                                   str) else direction
            if 'horizontal' in directions and t.get('prob', 0.5):
                return True
    return False


def generator_pipeline(classifier_pipeline: List[dict], image_size: int,
                       flip: bool) -> List[dict]:
    """The generator's training pipeline: the classifier's image loading,
    a resize to ``image_size`` (a no-op on images of that size), a
    horizontal flip if ``flip``, packing."""
    pipeline = [dict(t) for t in classifier_pipeline
                if t.get('type') in LOADING]
    pipeline.append(dict(type='Resize', scale=(image_size, image_size)))
    if flip:
        pipeline.append(
            dict(type='RandomFlip', prob=0.5, direction='horizontal'))
    pipeline.append(dict(type='PackInputs'))
    return pipeline


def _replace(value) -> dict:
    """A config value that replaces (not merges into) the stage's own."""
    return dict(copy.deepcopy(dict(value)), _delete_=True)


def phi0_options(classifier_cfg, num_classes: int) -> dict:
    """Overrides that make a phi0 stage config train on the classifier's
    data: its real set and pipeline, validation set, normalisation and
    class count."""
    options = {
        'train_dataloader.dataset': _replace(real_train_set(classifier_cfg)),
        'model.head.num_classes': int(num_classes),
    }
    # phi0 validates on the classifier's validation set, or not at all
    # (it never runs a test loop).
    data = _get(_get(classifier_cfg, 'val_dataloader'), 'dataset')
    if isinstance(data, dict):
        options['val_dataloader.dataset'] = _replace(data)
    else:
        options.update(val_dataloader=None, val_cfg=None, val_evaluator=None)
    preprocessor = _get(classifier_cfg, 'data_preprocessor')
    for key in ('mean', 'std', 'to_rgb'):
        if isinstance(preprocessor, dict) and key in preprocessor:
            options[f'data_preprocessor.{key}'] = copy.deepcopy(
                preprocessor[key])
    options['data_preprocessor.num_classes'] = int(num_classes)
    return options


def generator_options(classifier_cfg, generator_cfg,
                      num_classes: int) -> Tuple[dict, int]:
    """Overrides that make a generator stage config train on the
    classifier's real set (see :func:`generator_pipeline`); returns them
    and the generator's resolution."""
    real = real_train_set(classifier_cfg)
    classifier_pipeline = pipeline_of(real)
    image_size = int(generator_cfg.model.get('image_size', 32))
    flip = flips_horizontally(classifier_pipeline)
    options = {
        'train_dataloader.dataset': _replace(
            with_pipeline(
                real,
                generator_pipeline(classifier_pipeline, image_size, flip))),
        'model.num_classes': int(num_classes),
    }
    # The raw stored images are read (any pipeline); resized to the
    # generator's resolution where they differ.
    plain = with_pipeline(real, [dict(type='PackInputs')])
    val_data = _get(_get(generator_cfg, 'val_dataloader'), 'dataset')
    if isinstance(val_data, dict) and \
            val_data.get('type') == 'ClassLabelDataset':
        options['val_dataloader.dataset.num_classes'] = int(num_classes)
    evaluator = _get(generator_cfg, 'val_evaluator')
    if isinstance(evaluator, dict) and 'real_dataset' in evaluator:
        options['val_evaluator.real_dataset'] = _replace(plain)
        options['val_evaluator.image_size'] = image_size
    aid = generator_cfg.model.get('aid')
    if isinstance(aid, dict) and 'real_dataset' in aid:
        options['model.aid.real_dataset'] = _replace(plain)
        options['model.aid.image_size'] = image_size
    # ADA (model.ada) may flip: it is non-leaking (the denoiser is told
    # the flip and samples are drawn without one), so it stays.
    return options, image_size
