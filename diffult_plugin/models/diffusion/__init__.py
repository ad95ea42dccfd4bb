from .ada_augment import AUGMENT_DIM, ada_augment, cbdm_augment
from .data_preprocessor import DiffusionDataPreprocessor
from .diffult_diffusion import SAMPLERS, UNET_PRESETS, DiffuLTDiffusion
from .latent_autoencoder import (AUTOENCODER_PRESETS, FrozenAutoencoder,
                                 LatentAutoencoder, reconstruction_psnr)
from .losses import aid_distance, aid_loss, cbdm_loss, ddpm_loss
from ..utils.frozen_classifier import (D_F_READINGS, Phi0FeatureExtractor, check_d_f_reading,
                   feature_statistics, max_pairwise_distance, real_features)

__all__ = [
    'DiffuLTDiffusion', 'DiffusionDataPreprocessor', 'Phi0FeatureExtractor',
    'UNET_PRESETS', 'SAMPLERS', 'ada_augment', 'cbdm_augment', 'AUGMENT_DIM', 'ddpm_loss',
    'cbdm_loss', 'aid_loss', 'aid_distance', 'feature_statistics',
    'real_features', 'max_pairwise_distance', 'D_F_READINGS',
    'check_d_f_reading', 'LatentAutoencoder', 'FrozenAutoencoder',
    'AUTOENCODER_PRESETS', 'reconstruction_psnr'
]
