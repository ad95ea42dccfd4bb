# CPU protocol v2, latent DiffuLT arm: the DiffuLT arm (same proxy, omega,
# filter, classifier and schedule) with two stages changed:
#   generator  the latent generator (an autoencoder trained on the LT set as
#              a stage of its own, 1,000 iterations, then L_DDPM + L_CBDM on
#              its 8 x 8 x 4 latents, 2,054 iterations of batch 128;
#              configs/diffusion/diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py):
#              58 minutes of training on 2 cores, where its samples reach a
#              held-out CAS of 35.7 % on classes 4-9 (real images 63.1, the
#              pixel generator of the DiffuLT arm 28 minutes: RESULTS,
#              "Generator quality per CPU minute");
#   phi0       the protocol's CE classifier (DiffuLT's phi0 is "a CE
#              classifier on the long-tailed set"): the CE arm's config,
#              30 epochs, trained as the pipeline's phi0 stage, or a CE arm
#              checkpoint given as custom_hooks.0.phi0_checkpoint
#              (benchmarks/cpu_protocol.py hands the CE arm's seed-0
#              checkpoint when it is on the machine); the pixel arm's
#              10-epoch phi0 stage called every candidate ID.
# Samples: DDIM 25 steps with guidance w = 8, the setting whose CAS was
# measured (no other was measured; nothing is chosen on the test set).
_base_ = ['./diffult_resnet32_cifar10lt-jpg.py']

latent_iters = 2054
custom_hooks = [
    dict(
        type='DiffuLTSynthesisHook',
        phi0_config='{{fileDirname}}/ce_resnet32_cifar10lt-jpg.py',
        # None: the phi0 stage trains the CE arm's config.
        phi0_checkpoint=None,
        generator_config='{{fileDirname}}/../diffusion/'
        'diffult-latent-tiny_unet_cifar10lt-jpg_cpu.py',
        generator_cfg_options={
            'model.aid': None,
            # Trained as a stage in <stages>/autoencoder.
            'model.autoencoder.checkpoint': None,
            'train_cfg.max_iters': latent_iters,
            'train_cfg.val_interval': latent_iters,
        },
        sampler='ddim',
        num_steps=25,
        guidance_scale=8.0,
        sample_batch_size=250,
        filter=dict(type='DiffuLTFilter', d_f='per_class',
                    keep=('ID', 'AID'))),
    dict(type='TrainClassCountsHook'),
]
