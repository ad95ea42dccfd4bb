"""The DiffuLT pipeline: phi0 -> generator -> candidates -> filter -> bank.

Like a diffusers pipeline composes a model and a scheduler that do not know
each other, :class:`DiffuLTPipeline` composes parts that do not know each
other: the training stages (:mod:`.stages`), a source of candidates
(:mod:`.sources`), a filter (:mod:`.filters`) and the bank builder
(:mod:`.bank`). It runs without an mmengine runner
(``tools/synthesize.py``, benchmarks); :class:`DiffuLTSynthesisHook` is the
thin adapter that calls it before a classifier trains on the proxy.
"""
import copy
import inspect
import os
import os.path as osp
import sys
from typing import Optional, Sequence, Union

from mmengine.config import Config
from mmengine.dist import get_dist_info
from mmengine.logging import MMLogger
from mmpretrain.registry import TRANSFORMS

from diffult_plugin.models.diffusion.diffult_diffusion import SAMPLERS
from .bank import BankBuilder, SyntheticBank
from .dataset import DiffuLTDataset
from .filters import save_statistics
from .reports import write_reports
from .sources import (DiffusionSource, OracleSource, RealCopySource,
                      load_generator)
from .stage_data import STAGE_DATA, generator_options, phi0_options
from diffult_plugin.utils.safe_loading import readable_checkpoint
from .stages import continue_stage_from, run_training_stage

#: What can fill the synthetic slots (``DiffuLTPipeline.source``).
SOURCES = ('generator', 'oracle', 'real-copies')


def checkpoint_classes(path: str, prefix: str):
    """The class count of a classifier ('head.': rows of its last head
    weight) or a generator ('class_embedding.': rows minus the null
    class) checkpoint; None when it cannot tell."""
    import torch
    state = torch.load(path, map_location='cpu', weights_only=True,
                       mmap=True)
    state = state.get('state_dict', state)
    weights = [v for k, v in state.items()
               if k.startswith(prefix) and k.endswith('weight')
               and getattr(v, 'ndim', 0) == 2]
    if not weights:
        return None
    if prefix == 'class_embedding.':
        return int(weights[0].shape[0]) - 1
    return int(weights[-1].shape[0])


def check_resume_from(path: str, generator_cfg) -> None:
    """Refuse a ``generator_resume_from`` that cannot continue: a missing or
    truncated file, one already trained to the config's ``max_iters``, or a
    latent generator whose autoencoder is not the one given. Warns when the
    schedule still changes the learning rate past the checkpoint's
    iteration (the continued run then differs from one trained to
    ``max_iters`` from the start)."""
    import torch
    from diffult_plugin.utils.safe_loading import (check_checkpoint,
                                                   register_safe_globals)
    check_checkpoint(path, 'DiffuLTSynthesisHook.generator_resume_from')
    register_safe_globals()
    state = torch.load(path, map_location='cpu', weights_only=True,
                       mmap=True)
    done = (state.get('meta') or {}).get('iter')
    if done is None or 'optimizer' not in state:
        raise ValueError(
            f'DiffuLTSynthesisHook.generator_resume_from: {path} is not a '
            'training checkpoint (no iteration or optimiser state); give an '
            'iter_<N>.pth of a generator stage, or a trained generator as '
            '`generator_checkpoint` to sample from it as it is.')
    max_iters = generator_cfg.train_cfg.get('max_iters')
    if max_iters is not None and done >= max_iters:
        raise ValueError(
            f'DiffuLTSynthesisHook.generator_resume_from: {path} is at '
            f'iteration {done}, the generator config trains to '
            f'train_cfg.max_iters={max_iters}: nothing to continue. Raise '
            "generator_cfg_options['train_cfg.max_iters'], or give it as "
            '`generator_checkpoint`.')
    for scheduler in generator_cfg.get('param_scheduler') or []:
        if scheduler.get('end', float('inf')) > done:
            MMLogger.get_current_instance().warning(
                f'generator_resume_from: the {scheduler.get("type")} '
                f'schedule still runs past iteration {done}, so the '
                'continued generator does not follow the recipe of one '
                f'trained to {max_iters} iterations from the start.')
    autoencoder = generator_cfg.model.get('autoencoder')
    if not autoencoder:
        return
    given = autoencoder.get('checkpoint')
    fix = ("give the autoencoder it was trained on as generator_cfg_options"
           "['model.autoencoder.checkpoint'] (<stages>/autoencoder/"
           'iter_<N>.pth of the run that trained it).')
    if not given:
        raise ValueError(
            'DiffuLTSynthesisHook.generator_resume_from: a latent generator '
            'continues only on the latents it was trained on, and with '
            'model.autoencoder.checkpoint=None the autoencoder would be '
            f'trained again; {fix}')
    theirs = state['state_dict']
    prefix = 'autoencoder.model.'
    ours = torch.load(given, map_location='cpu', weights_only=True,
                      mmap=True)
    ours = ours.get('state_dict', ours)
    same = bool(ours) and all(
        prefix + key in theirs and torch.equal(value, theirs[prefix + key])
        for key, value in ours.items())
    if not same:
        raise ValueError(
            f'DiffuLTSynthesisHook.generator_resume_from: {path} was '
            f'trained on another autoencoder than {given}; {fix}')


class _Progress:
    """A rich progress bar on a terminal, a log line per ~10 % elsewhere."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.next_log = max(total, 1), 0, 0.1
        self.logger = MMLogger.get_current_instance()
        self.bar = None
        if enabled and sys.stdout.isatty():
            from rich.progress import Progress
            self.bar = Progress()
            self.bar.start()
            self.task = self.bar.add_task('synthesis', total=self.total)
        self.enabled = enabled

    def __call__(self, count: int) -> None:
        self.done += count
        if not self.enabled:
            return
        if self.bar is not None:
            self.bar.update(self.task, completed=min(self.done, self.total))
        elif self.done / self.total >= self.next_log:
            self.logger.info(f'synthesis: {self.done} candidates sampled '
                             'or copied by this rank')
            self.next_log += 0.1

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class DiffuLTPipeline:
    """Make sure phi0, the generator and the synthetic bank of a DiffuLT
    proxy exist; return the complete bank.

    DiffuLT (`Shao et al., NeurIPS 2024 <https://arxiv.org/abs/2403.05170>`_),
    Sec. 3.3: (1) phi0, a CE classifier on the long-tailed set; (2) the
    generator trained on the same set (with L_AID through phi0); (3)
    generation of ``N_t - n_c`` samples per class, filtered in phi0 feature
    space. ``pipeline(work_dir, dataset)`` fills the slots that the
    :class:`DiffuLTDataset` planned.

    Each stage trains in its own folder (``phi0/``, ``generator/``) unless a
    checkpoint is given, is skipped when done and resumes when interrupted.
    The bank (``bank/``) is filled shard by shard and is byte-identical
    however often the run was killed and on however many ranks it ran;
    reports go to ``<work_dir>/synthesis/``.

    Args:
        phi0_config (str, optional): Config of phi0 (a CE classifier).
        phi0_checkpoint (str, optional): A trained phi0; skips its stage.
        phi0_cfg_options (dict, optional): Overrides for phi0's config.
        generator_config (str, optional): Config of the DiffuLTDiffusion
            generator. The phi0 checkpoint is handed to its L_AID and its
            generator-quality metric.
        generator_checkpoint (str, optional): A trained generator (EMA
            weights); skips its stage.
        generator_cfg_options (dict, optional): Overrides for its config.
        generator_resume_from (str, optional): A training checkpoint of the
            same generator config (model, EMA, optimiser, iteration: another
            run's ``<stages>/generator/iter_<N>.pth``) that this run's
            generator stage continues from, up to its config's
            ``train_cfg.max_iters``: a longer generator without training
            its first N iterations again. The CPU generator schedules hold
            the learning rate constant after their warm-up, so the continued
            run follows the recipe of one trained to ``max_iters`` from the
            start (only the data order differs); with a decaying schedule it
            does not, and a warning says so. A latent generator keeps the
            autoencoder it was trained on: give that checkpoint as
            ``generator_cfg_options['model.autoencoder.checkpoint']``
            (checked against the weights in the resumed checkpoint).
            Defaults to None.
        oracle (bool): Fill the slots with real images that the long-tail
            subsampling left out instead of generating (upper bound of the
            proxy); the same as ``source='oracle'``. Defaults to False.
        source (str): What fills the slots: 'generator' (DiffuLT),
            'oracle' (left-out real images, the upper bound) or
            'real-copies' (copies of the class's own real training images:
            the oversampling control, which isolates what new images add
            from more iterations and reweighting). Defaults to 'generator'.
        bank_dir (str, optional): The bank folder. Defaults to
            ``<stages_dir>/bank``.
        stages_dir (str, optional): Folder of ``phi0/``, ``generator/`` and
            ``bank/``. Defaults to the work dir; give one folder to several
            runs (e.g. the seeds of ``tools/train.py --seeds``) to train the
            stages once and vary only the classifier.
        sampler (str): 'ddpm', 'ddim' or 'dpm-solver++'. The paper does not
            name its sampler; DDIM 50 steps is the default here.
        num_steps (int, optional): Sampling steps. Defaults to 50.
        guidance_scale (float): CFG weight w (0 = conditional sampling; the
            paper does not give it). Defaults to 0.
        sample_batch_size (int): Images per denoising forward.
        shard_size (int): Candidates per shard. Defaults to 256.
        max_tries (float): At most ``max_tries * slots`` candidates per
            class. Defaults to 4.
        seed (int): Seed of the bank. Defaults to 0.
        reuse_candidates_from (str | list[str]): Other banks of the same
            generator, sampler and seed (e.g. the bank of a run with another
            filter): the candidates they already hold are copied and judged
            by this run's filter instead of being sampled again. Defaults to
            ().
        filter (dict, optional): A phi0 filter config (``DiffuLTFilter``,
            ``Phi0ConfidenceFilter``, ``OptimalTransportFilter``); phi0 is
            filled in. None keeps every candidate.
        grid_per_class (int): Kept and rejected samples per class in the
            grid. Defaults to 8.
        device (str, optional): Device of synthesis; defaults to mmengine's.
        stage_data (str): Where the phi0 and generator stages take their
            data: 'own' (their configs define it, as the CIFAR configs do)
            or 'classifier' (the classifier config's real long-tailed set,
            pipeline, validation set and class count, derived by
            :mod:`.stage_data`: a dataset is then defined once, and the
            stage configs hold a model and a schedule only). Defaults to
            'own'.
    """

    def __init__(self,
                 phi0_config: Optional[str] = None,
                 phi0_checkpoint: Optional[str] = None,
                 phi0_cfg_options: Optional[dict] = None,
                 generator_config: Optional[str] = None,
                 generator_checkpoint: Optional[str] = None,
                 generator_cfg_options: Optional[dict] = None,
                 generator_resume_from: Optional[str] = None,
                 oracle: bool = False,
                 source: str = 'generator',
                 bank_dir: Optional[str] = None,
                 stages_dir: Optional[str] = None,
                 sampler: str = 'ddim',
                 num_steps: Optional[int] = 50,
                 guidance_scale: float = 0.0,
                 sample_batch_size: int = 256,
                 shard_size: int = 256,
                 max_tries: float = 4.0,
                 seed: int = 0,
                 reuse_candidates_from: Union[str, Sequence[str]] = (),
                 filter: Optional[dict] = dict(type='DiffuLTFilter'),
                 grid_per_class: int = 8,
                 device: Optional[str] = None,
                 stage_data: str = 'own'):
        if sampler not in SAMPLERS:
            raise ValueError(f'DiffuLTPipeline.sampler must be one of '
                             f'{SAMPLERS}, got {sampler!r}.')
        if stage_data not in STAGE_DATA:
            raise ValueError(f'DiffuLTSynthesisHook.stage_data must be one '
                             f'of {STAGE_DATA}, got {stage_data!r}.')
        if source not in SOURCES:
            raise ValueError(f'DiffuLTSynthesisHook.source must be one of '
                             f'{SOURCES}, got {source!r}.')
        if oracle:
            if source not in ('generator', 'oracle'):
                raise ValueError(
                    f'DiffuLTSynthesisHook: oracle=True contradicts '
                    f'source={source!r}; set only `source`.')
            source = 'oracle'
        if source == 'generator' and not (generator_config
                                          or generator_checkpoint):
            raise ValueError(
                'DiffuLTSynthesisHook needs `generator_config` (and '
                'optionally `generator_checkpoint`), or '
                "source='oracle' / 'real-copies'.")
        if generator_checkpoint and not generator_config:
            raise ValueError('`generator_checkpoint` needs the '
                             '`generator_config` it was trained with.')
        if generator_resume_from and (generator_checkpoint
                                      or source != 'generator'):
            raise ValueError(
                '`generator_resume_from` continues training the generator '
                'stage; it contradicts '
                + ('`generator_checkpoint` (a trained generator, no stage)'
                   if generator_checkpoint else f'source={source!r}')
                + ': set only one of them.')
        if filter is not None and not (phi0_config or filter.get(
                'phi0_config')):
            raise ValueError('the filter needs phi0: set `phi0_config` '
                             '(and `phi0_checkpoint` to skip training it).')
        self.phi0_config = phi0_config
        self.phi0_checkpoint = phi0_checkpoint
        self.phi0_cfg_options = dict(phi0_cfg_options or {})
        self.generator_config = generator_config
        self.generator_checkpoint = generator_checkpoint
        self.generator_cfg_options = dict(generator_cfg_options or {})
        self.generator_resume_from = generator_resume_from
        self.source = source
        self.oracle = source == 'oracle'
        self.bank_dir = bank_dir
        self.stages_dir = stages_dir
        self.sampler = sampler
        self.num_steps = num_steps
        self.guidance_scale = guidance_scale
        self.sample_batch_size = sample_batch_size
        self.shard_size = shard_size
        self.max_tries = max_tries
        self.seed = seed
        if isinstance(reuse_candidates_from, str):
            reuse_candidates_from = [reuse_candidates_from]
        self.reuse_candidates_from = list(reuse_candidates_from)
        self.filter_cfg = dict(filter) if filter is not None else None
        self.grid_per_class = grid_per_class
        self.device = device
        self.stage_data = stage_data
        # The config that runs the pipeline (the hook's runner config or
        # the one given to from_config): the stages' data when stage_data
        # is 'classifier'.
        self.classifier_cfg = None
        # phi0's config as it was trained (the stage config with the
        # derived data), for the filter, L_AID and the quality metric.
        self._phi0_trained_config = phi0_config

    @classmethod
    def from_config(cls, cfg, **overrides) -> 'DiffuLTPipeline':
        """The pipeline of a config's ``DiffuLTSynthesisHook``."""
        hooks = [h for h in cfg.get('custom_hooks', [])
                 if h.get('type') == 'DiffuLTSynthesisHook']
        if not hooks:
            raise ValueError('the config has no DiffuLTSynthesisHook in '
                             'custom_hooks: it is not a DiffuLT config.')
        settings = {k: v for k, v in dict(hooks[0]).items()
                    if k not in ('type', 'priority')}
        settings.update({k: v for k, v in overrides.items()
                         if v is not None})
        pipeline = cls(**settings)
        pipeline.classifier_cfg = cfg
        return pipeline

    def __call__(self, work_dir: str,
                 dataset: DiffuLTDataset) -> SyntheticBank:
        """Run every stage that is not done; returns the complete bank."""
        return self.prepare(work_dir, dataset)

    # ------------------------------------------------------------ stages
    def _classifier_cfg(self):
        if self.classifier_cfg is None:
            raise ValueError(
                "stage_data='classifier' needs the classifier config: run "
                'the pipeline through DiffuLTSynthesisHook or '
                'DiffuLTPipeline.from_config(cfg).')
        return self.classifier_cfg

    def _phi0_options(self, num_classes: int) -> dict:
        options = {}
        if self.stage_data == 'classifier':
            options = phi0_options(self._classifier_cfg(), num_classes)
        # The user's overrides win over the derived ones.
        options.update(copy.deepcopy(self.phi0_cfg_options))
        return options

    def _phi0(self, work_dir: str, num_classes: int) -> Optional[str]:
        if self.phi0_checkpoint and self.stage_data == 'own':
            return self.phi0_checkpoint
        if not self.phi0_config:
            return self.phi0_checkpoint
        options = self._phi0_options(num_classes)
        if self.stage_data == 'classifier':
            self._phi0_trained_config = self._write_trained_config(
                osp.join(work_dir, 'phi0'), self.phi0_config, options)
        if self.phi0_checkpoint:
            return self.phi0_checkpoint
        return run_training_stage('phi0', self.phi0_config,
                                  osp.join(work_dir, 'phi0'), options)

    @staticmethod
    def _write_trained_config(folder: str, config: str,
                              options: dict) -> str:
        """Write the stage config with its derived options (what phi0 was
        trained as): the file the filter, L_AID and the metric read."""
        cfg = Config.fromfile(config)
        cfg.merge_from_dict(copy.deepcopy(options))
        os.makedirs(folder, exist_ok=True)
        path = osp.join(folder, 'phi0_as_trained.py')
        tmp = f'{path}.{os.getpid()}.tmp.py'
        cfg.dump(tmp)
        os.replace(tmp, path)
        return path

    def _generator_cfg(self, phi0_checkpoint: Optional[str],
                       num_classes: Optional[int] = None) -> tuple:
        cfg = Config.fromfile(self.generator_config)
        options = {}
        if self.stage_data == 'classifier' and num_classes is not None:
            options, _ = generator_options(self._classifier_cfg(), cfg,
                                           num_classes)
        options.update(copy.deepcopy(self.generator_cfg_options))
        cfg.merge_from_dict(copy.deepcopy(options))
        handed = {}
        phi0_config = self._phi0_trained_config
        if phi0_checkpoint and phi0_config:
            if cfg.model.get('aid'):
                handed['model.aid.phi0_config'] = phi0_config
                handed['model.aid.phi0_checkpoint'] = phi0_checkpoint
                handed.update(self._aid_d_f_settings())
            evaluator = cfg.get('val_evaluator')
            if isinstance(evaluator, dict) and 'phi0_checkpoint' in evaluator:
                handed['val_evaluator.phi0_config'] = phi0_config
                handed['val_evaluator.phi0_checkpoint'] = phi0_checkpoint
            cfg.merge_from_dict(copy.deepcopy(handed))
        return cfg, dict(options, **handed)

    def _aid_d_f_settings(self) -> dict:
        """The filter's d_f (scope, reading, quantile) for the generator's
        L_AID: the target 1.5 d_f and the filter's ID / AID / OOD bands are
        one statistic."""
        if not self.filter_cfg or self.filter_cfg.get(
                'type') != 'DiffuLTFilter':
            return {}
        from .filters import DiffuLTFilter
        defaults = inspect.signature(DiffuLTFilter.__init__).parameters
        return {
            f'model.aid.{key}': self.filter_cfg.get(key,
                                                    defaults[key].default)
            for key in ('d_f', 'd_f_reading', 'd_f_quantile')
        }

    def _source(self, work_dir: str, dataset: DiffuLTDataset,
                phi0_checkpoint: Optional[str], device: str):
        if self.source == 'oracle':
            return OracleSource(dataset.dataset, seed=self.seed)
        if self.source == 'real-copies':
            return RealCopySource(dataset.dataset, seed=self.seed)
        num_classes = len(dataset.metainfo['classes'])
        cfg, options = self._generator_cfg(phi0_checkpoint, num_classes)
        if not self.generator_checkpoint:
            cfg, options = self._autoencoder(work_dir, cfg, options)
        checkpoint = self.generator_checkpoint or self._generator_stage(
            work_dir, options)
        model = load_generator(cfg, checkpoint, device)
        if model.num_classes != num_classes:
            raise ValueError(
                f'the generator ({checkpoint}) has {model.num_classes} '
                f'classes, the training set {num_classes}: give the '
                'generator trained on this dataset.')
        return DiffusionSource(model, checkpoint, self.sampler,
                               self.num_steps, self.guidance_scale,
                               self.sample_batch_size)

    def _generator_stage(self, work_dir: str, options: dict) -> str:
        """Train the generator stage in ``<stages>/generator`` (from
        ``generator_resume_from`` when given) unless it is done."""
        folder = osp.join(work_dir, 'generator')
        if self.generator_resume_from and continue_stage_from(
                folder, self.generator_resume_from):
            MMLogger.get_current_instance().info(
                f'stage generator: continues from '
                f'{self.generator_resume_from}')
        return run_training_stage('generator', self.generator_config,
                                  folder, options)

    def _autoencoder(self, work_dir: str, cfg, options: dict) -> tuple:
        """Latent generators: train the autoencoder stage (the config its
        ``model.autoencoder.config`` names, in ``<stages>/autoencoder``)
        unless a checkpoint is given, and hand the checkpoint to the
        generator. Returns the generator config and options."""
        autoencoder = cfg.model.get('autoencoder')
        if not autoencoder or autoencoder.get('checkpoint'):
            return cfg, options
        ae_options = {}
        if self.stage_data == 'classifier':
            # The generator's training set and pipeline (resize, flips).
            ae_options['train_dataloader.dataset'] = copy.deepcopy(
                options['train_dataloader.dataset'])
        checkpoint = run_training_stage('autoencoder',
                                        autoencoder['config'],
                                        osp.join(work_dir, 'autoencoder'),
                                        ae_options)
        handed = {'model.autoencoder.checkpoint': checkpoint}
        cfg.merge_from_dict(copy.deepcopy(handed))
        return cfg, dict(options, **handed)

    def _filter(self, phi0_checkpoint: Optional[str], dataset, device: str,
                image_size: Optional[int] = None):
        """The filter; ``image_size`` is the generator's resolution (None
        for real-image sources)."""
        if self.filter_cfg is None:
            return None
        cfg = dict(self.filter_cfg)
        cfg.setdefault('phi0_config', self._phi0_trained_config)
        if self.stage_data == 'classifier' and image_size is not None and \
                cfg.get('type') == 'DiffuLTFilter':
            # Real images of any size are compared with generated ones at
            # the generator's resolution.
            cfg.setdefault('image_size', int(image_size))
        if cfg.get('phi0_checkpoint') is None:
            cfg['phi0_checkpoint'] = phi0_checkpoint
        cfg.setdefault('device', device)
        sample_filter = TRANSFORMS.build(cfg)
        if hasattr(sample_filter, 'real_dataset') and \
                sample_filter.real_dataset is None:
            # Statistics from the real images, computed only if needed.
            sample_filter.real_dataset = dataset.dataset
        return sample_filter

    # ------------------------------------------------------------ checks
    def validate(self, dataset: DiffuLTDataset) -> None:
        """Every setting that would otherwise fail after hours of stages,
        checked in seconds before any stage trains; each error names the
        setting and the fix."""
        num_classes = len(dataset.metainfo['classes'])
        trains_stages = self.source == 'generator' or (
            self.filter_cfg is not None and not self.phi0_checkpoint)
        if sum(dataset.slots_per_class) == 0 and trains_stages:
            raise ValueError(
                f'DiffuLTDataset.target={dataset.target!r} leaves no '
                f'synthetic slot (the largest class has '
                f'{max(dataset.real_counts)} images): nothing to '
                'synthesise, yet phi0 / the generator would be trained. '
                "Raise the target ('max' balances every class "
                'to the largest) or train without DiffuLT.')
        for key in ('phi0_config', 'generator_config'):
            path = getattr(self, key)
            if path and not osp.isfile(path):
                raise FileNotFoundError(
                    f'DiffuLTSynthesisHook.{key}: {path} does not exist.')
        if self.source == 'generator' and not self.generator_checkpoint:
            generator_cfg = self._merged_generator_cfg()
            autoencoder = generator_cfg.model.get('autoencoder')
            if autoencoder:
                for key in ('config', 'checkpoint'):
                    path = autoencoder.get(key)
                    if path and not osp.isfile(path):
                        raise FileNotFoundError(
                            f'the generator config\'s model.autoencoder.'
                            f'{key}: {path} does not exist; give an existing '
                            'one, or checkpoint=None to train the '
                            'autoencoder as a stage.')
        if self.filter_cfg is not None and \
                TRANSFORMS.get(self.filter_cfg.get('type')) is None:
            raise ValueError(
                f'DiffuLTSynthesisHook.filter: type '
                f'{self.filter_cfg.get("type")!r} is not registered; use '
                "'DiffuLTFilter', 'Phi0ConfidenceFilter' or "
                "'OptimalTransportFilter' (or import the plugin that "
                'registers yours), or filter=None to keep every candidate.')
        if self.generator_resume_from:
            check_resume_from(self.generator_resume_from,
                              self._merged_generator_cfg())
        for key, prefix in (('phi0_checkpoint', 'head.'),
                            ('generator_checkpoint', 'class_embedding.'),
                            ('generator_resume_from', 'class_embedding.')):
            path = getattr(self, key)
            if not path:
                continue
            if not readable_checkpoint(path):
                raise FileNotFoundError(
                    f'DiffuLTSynthesisHook.{key}: {path} is missing or not '
                    'a complete checkpoint; give a trained one, or leave '
                    f'{key} unset to train the stage.')
            found = checkpoint_classes(path, prefix)
            if found is not None and found != num_classes:
                raise ValueError(
                    f'DiffuLTSynthesisHook.{key}: {path} was trained for '
                    f'{found} classes, the training set has {num_classes}; '
                    'give the one trained on this dataset, or leave it unset '
                    'to train the stage.')

    def _merged_generator_cfg(self):
        """The generator config with the user's overrides (what validate
        reads; the stage adds the derived data options to it)."""
        cfg = Config.fromfile(self.generator_config)
        cfg.merge_from_dict(copy.deepcopy(self.generator_cfg_options))
        return cfg

    @staticmethod
    def dataset_fingerprint(dataset: DiffuLTDataset) -> dict:
        return dataset.fingerprint()

    def prepare(self, work_dir: str, dataset: DiffuLTDataset):
        """Run every stage that is not done; returns the complete bank."""
        from mmengine.device import get_device
        logger = MMLogger.get_current_instance()
        rank, _ = get_dist_info()
        device = self.device or get_device()
        stages_dir = self.stages_dir or work_dir
        bank_dir = self.bank_dir or osp.join(stages_dir, 'bank')
        slots = dataset.slots_per_class
        self.validate(dataset)
        logger.info(f'DiffuLT proxy: {dataset.num_real} real + {sum(slots)} '
                    f'synthetic slots (target {dataset.target!r})')
        phi0_checkpoint = self._phi0(stages_dir,
                                     len(dataset.metainfo['classes']))
        source = self._source(stages_dir, dataset, phi0_checkpoint, device)
        sample_filter = self._filter(
            phi0_checkpoint, dataset, device,
            getattr(getattr(source, 'model', None), 'image_size', None))
        progress = _Progress(
            int(sum(slots) * 1.1) // max(1, get_dist_info()[1]),
            enabled=True)
        builder = BankBuilder(
            bank_dir,
            slots,
            source,
            sample_filter,
            seed=self.seed,
            shard_size=self.shard_size,
            max_tries=self.max_tries,
            dataset_fingerprint=self.dataset_fingerprint(dataset),
            dataset_samples=dataset.samples_digest(),
            class_names=dataset.metainfo['classes'],
            on_shard=progress,
            reuse_from=self.reuse_candidates_from)
        try:
            bank = builder.build()
        finally:
            progress.close()
        if rank == 0:
            statistics = osp.join(bank_dir, 'filter_statistics.npz')
            if sample_filter is not None and hasattr(
                    sample_filter, '_statistics') and (
                        sample_filter.stats is not None
                        or not osp.isfile(statistics)):
                # Also when a kill fell between the last shard and the
                # manifest: the rerun finds the bank complete, judges
                # nothing, and computes the statistics here.
                save_statistics(statistics, sample_filter._statistics())
            stats = write_reports(
                osp.join(work_dir, 'synthesis'), bank_dir, bank.manifest,
                dataset.real_counts, self.grid_per_class)
            totals = stats['totals']
            logger.info(
                f'synthetic bank {bank_dir}: {totals["slots"]} slots, '
                f'{totals["generated"]} generated, categories '
                f'{totals["categories"]}, {totals["filled_with_rejected"]} '
                'slots filled with rejected candidates; per class in '
                f'{osp.join(work_dir, "synthesis", "filter_stats.json")}')
            from diffult_plugin.plugins import get_plugin_manager
            get_plugin_manager().hook.diffult_bank_built(
                bank_dir=bank_dir, stats=stats)
        return bank

