"""The contract of the filters that judge synthetic candidates with phi0,
and the transform that lets a per-sample filter run in a data pipeline."""
import io
import os.path as osp
from typing import Optional, Sequence, Union

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from diffult_plugin.utils.atomic_io import atomic_write_bytes, sha256_file


class Phi0SampleFilter:
    """Base of the synthetic-sample filters: phi0 scores, then a verdict.

    The contract the bank builder relies on:

    - ``categories``: the verdicts a filter can give; ``keep`` chooses
      those that pass.
    - ``lower_is_better``: whether a lower score is a better candidate (a
      distance) or a higher one (a probability, a transported mass); the
      bank fills slots that no accepted candidate reached with the best
      rejected ones by it.
    - :meth:`prepare`: fit what the filter needs from the real training set
      (class means and d_f for the distance filter; nothing for others).
    - ``joint = False``: each candidate is judged alone,
      :meth:`score_batch` -> :meth:`_judge` (features, logits, labels ->
      scores, categories). ``joint = True``: a round's candidates are judged
      together from their stored phi0 logits, :meth:`pool_logits` then
      :meth:`judge_pool` (``OptimalTransportFilter``).

    Per-sample filters that can also drop samples in a dataset pipeline
    derive from :class:`Phi0FilterTransform` as well.

    Args:
        phi0_config (str | dict, optional): phi0's mmpretrain config. The
            synthesis hook fills it (and the checkpoint) from its phi0 stage
            when left None.
        phi0_checkpoint (str, optional): phi0's checkpoint.
        keep (Sequence[str]): Categories that pass.
        channel_order (str): Channel order of ``results['img']`` in a
            pipeline ('rgb' for bank images, 'bgr' for images read by
            OpenCV). Batches given to :meth:`score_batch` are always RGB.
        only_synthetic (bool): In a pipeline, judge only samples marked
            ``is_synthetic``; real samples pass. Defaults to True.
        batch_size (int): Images per phi0 forward. Defaults to 256.
        device (str): Device of phi0. Defaults to 'cpu'.
    """
    categories: Sequence[str] = ()
    #: Whether a lower score is a better candidate.
    lower_is_better: bool = True
    #: Whether candidates are judged together (judge_pool) or one by one.
    joint: bool = False

    def __init__(self,
                 phi0_config: Union[str, dict, None] = None,
                 phi0_checkpoint: Optional[str] = None,
                 keep: Sequence[str] = (),
                 channel_order: str = 'rgb',
                 only_synthetic: bool = True,
                 batch_size: int = 256,
                 device: str = 'cpu'):
        unknown = set(keep) - set(self.categories)
        if unknown:
            raise ValueError(
                f'{type(self).__name__}.keep has unknown categories '
                f'{sorted(unknown)}; choose from {list(self.categories)}.')
        if channel_order not in ('rgb', 'bgr'):
            raise ValueError("channel_order must be 'rgb' or 'bgr'")
        self.phi0_config = phi0_config
        self.phi0_checkpoint = phi0_checkpoint
        self.keep = tuple(keep)
        self.channel_order = channel_order
        self.only_synthetic = only_synthetic
        self.batch_size = batch_size
        self.device = device
        self._phi0 = None

    # -------------------------------------------------------------- phi0
    @property
    def phi0(self):
        if self._phi0 is None:
            if self.phi0_config is None or self.phi0_checkpoint is None:
                raise ValueError(
                    f'{type(self).__name__} needs phi0_config and '
                    'phi0_checkpoint (the synthesis hook sets them from its '
                    'phi0 stage; in a dataset pipeline give them).')
            from diffult_plugin.models.utils.frozen_classifier import \
                Phi0FeatureExtractor
            self._phi0 = Phi0FeatureExtractor(
                self.phi0_config, self.phi0_checkpoint).to(self.device)
        return self._phi0

    @torch.no_grad()
    def features_and_logits(self, images: np.ndarray):
        """phi0 features and logits of uint8 RGB images (N, H, W, 3)."""
        feats, logits = [], []
        for start in range(0, len(images), self.batch_size):
            chunk = torch.from_numpy(
                np.ascontiguousarray(images[start:start + self.batch_size]))
            x = chunk.permute(0, 3, 1, 2).float().to(self.device) / 127.5 - 1
            f, logit = self.phi0.features_and_logits(x)
            feats.append(f.float().cpu())
            logits.append(logit.float().cpu())
        return torch.cat(feats), torch.cat(logits)

    # -------------------------------------------------------------- verdict
    def prepare(self, real_images=None, real_labels=None) -> None:
        """Fit whatever the filter needs from the real training set (a
        no-op for filters that need nothing)."""

    def _judge(self, features, logits, labels):
        """Scores and categories of candidates judged one by one."""
        raise NotImplementedError(
            f'{type(self).__name__} judges candidates jointly: use '
            'pool_logits and judge_pool.')

    def pool_logits(self, images: np.ndarray) -> np.ndarray:
        """phi0 logits (float32, N x K) of uint8 RGB images, stored per
        shard until a joint filter judges the round."""
        return self.features_and_logits(images)[1].numpy().astype(np.float32)

    def judge_pool(self, logits, labels,
                   column_mass: Optional[Sequence[float]] = None) -> dict:
        """Verdicts for a pool of candidates judged together (joint
        filters)."""
        raise NotImplementedError(
            f'{type(self).__name__} judges candidates one by one: use '
            'score_batch.')

    def score_batch(self, images: np.ndarray, labels) -> dict:
        """Judge a batch of uint8 RGB images (N, H, W, 3) of given labels.

        Returns:
            dict: ``score`` (float32 array), ``category`` (list of str) and
            ``keep`` (bool array).
        """
        labels = torch.as_tensor(np.asarray(labels), dtype=torch.long)
        if len(images) == 0:
            return dict(score=np.zeros(0, np.float32), category=[],
                        keep=np.zeros(0, bool))
        features, logits = self.features_and_logits(images)
        scores, categories = self._judge(features, logits, labels)
        keep = np.asarray([c in self.keep for c in categories], dtype=bool)
        return dict(
            score=np.asarray(scores, dtype=np.float32),
            category=list(categories),
            keep=keep)

    def fingerprint(self) -> dict:
        """What determines the verdicts (for the bank's fingerprint)."""
        checkpoint = self.phi0_checkpoint
        return dict(
            type=type(self).__name__,
            keep=sorted(self.keep),
            phi0_checkpoint_sha256=sha256_file(checkpoint)
            if checkpoint and osp.isfile(checkpoint) else None)

    def __repr__(self) -> str:
        return f'{type(self).__name__}(keep={list(self.keep)})'


class Phi0FilterTransform(BaseTransform):
    """Lets a per-sample :class:`Phi0SampleFilter` run in a dataset
    pipeline: a rejected sample is dropped (``transform`` returns None), its
    score and category are added to the results of a kept one. Mixed into
    ``DiffuLTFilter`` and ``Phi0ConfidenceFilter``; a joint filter, which
    cannot judge one sample alone, is not a transform.
    """

    def transform(self, results: dict) -> Optional[dict]:
        if self.only_synthetic and not results.get('is_synthetic', False):
            return results
        image = results['img']
        if self.channel_order == 'bgr':
            image = image[..., ::-1]
        label = int(np.asarray(results['gt_label']).reshape(-1)[0])
        verdict = self.score_batch(image[None], [label])
        results['filter_score'] = float(verdict['score'][0])
        results['filter_category'] = verdict['category'][0]
        return results if verdict['keep'][0] else None


def load_statistics(path: str) -> dict:
    """Read filter statistics saved by :func:`save_statistics`."""
    with np.load(path, allow_pickle=False) as data:
        return {k: torch.from_numpy(data[k]) for k in data.files}


def save_statistics(path: str, stats: dict) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.asarray(v) for k, v in stats.items()})
    atomic_write_bytes(path, buffer.getvalue())

